// Flags of the create command and the rules every answer must pass, whether it came from a flag
// or a prompt. Standard library only: this runs before `npm install`.
import { builtinModules } from 'node:module';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

export const USAGE = `Usage: create <dir> [options]

Creates a new project from this starter in <dir> (which must not exist, or be empty).

Options:
  --name <name>            npm package name (default: from <dir>'s name)
  --sessions <redis|file>  where sessions live (default: file; redis writes REDIS_URL)
  --examples, --no-examples
                           keep the example pages (default: keep)
  --install, --no-install  run npm install in the new project (default: install)
  --git, --no-git          git init and a first commit (default: yes)
  -y, --yes                take the default for every question not answered by a flag
  -h, --help               this text

With a terminal (stdin and stdout TTYs) and without --yes, each question not answered by a
flag is asked. Without a terminal every unanswered question takes its default, install and
git included: piping the command gives the same project as pressing Enter at each question.`;

/** Bad input: the command prints the message as one line and exits 2 before writing anything. */
export class UsageError extends Error {}

export const SESSION_KINDS = ['file', 'redis'];

/**
 * Parses argv (without node and the script). Returns the directory and only the answers that
 * flags gave; `undefined` means "ask, or take the default".
 */
export function parseCreateArgs(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
      options: {
        name: { type: 'string' },
        sessions: { type: 'string' },
        examples: { type: 'boolean' },
        install: { type: 'boolean' },
        git: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // parseArgs' message for an unknown option goes on about positionals; the option is enough.
    const unknown = /^Unknown option '([^']+)'/.exec(error.message);
    throw new UsageError(`${unknown ? `unknown option ${unknown[1]}` : firstLine(error.message)} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    return { help: true };
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected one directory, got ${positionals.length}: ${positionals.join(' ')} (see --help)`);
  }
  if (values.sessions !== undefined && !SESSION_KINDS.includes(values.sessions)) {
    throw new UsageError(`--sessions must be redis or file, not "${values.sessions}"`);
  }
  if (values.name !== undefined) {
    const problem = packageNameProblem(values.name);
    if (problem) {
      throw new UsageError(`invalid package name "${values.name}": ${problem}`);
    }
  }
  const dir = positionals[0];
  if (dir !== undefined && dir.trim() === '') {
    throw new UsageError('the directory must not be empty');
  }
  return {
    help: false,
    dir,
    yes: values.yes ?? false,
    answers: {
      name: values.name,
      sessions: values.sessions,
      examples: values.examples,
      install: values.install,
      git: values.git,
    },
  };
}

function firstLine(text) {
  return String(text).split('\n')[0];
}

const SPECIAL = /[~'!()*]/;

function urlSafe(part) {
  return part.length > 0 && encodeURIComponent(part) === part;
}

/**
 * npm's rules for a new package name (those of validate-npm-package-name): returns why the name
 * is refused, or null when it is fine.
 */
export function packageNameProblem(name) {
  if (typeof name !== 'string' || name.length === 0) {
    return 'it is empty';
  }
  if (name.length > 214) {
    return 'it is longer than 214 characters';
  }
  if (name.trim() !== name) {
    return 'it has leading or trailing spaces';
  }
  if (name.toLowerCase() !== name) {
    return 'it must be lowercase';
  }
  if (/^[._]/.test(name)) {
    return 'it must not start with . or _';
  }
  if (SPECIAL.test(name)) {
    return `it must not contain any of ~'!()*`;
  }
  if (['node_modules', 'favicon.ico'].includes(name) || builtinModules.includes(name)) {
    return 'that name is reserved';
  }
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  if (scoped) {
    if (!urlSafe(scoped[1]) || !urlSafe(scoped[2]) || /^[._]/.test(scoped[2])) {
      return 'it must contain only URL-safe characters (a-z, 0-9, -, ., _)';
    }
    return null;
  }
  if (!urlSafe(name)) {
    return 'it must contain only URL-safe characters (a-z, 0-9, -, ., _), with an optional @scope/';
  }
  return null;
}

/** A valid package name made from a directory's name ("My App" -> "my-app"), or '' if none. */
export function nameFromDir(dir) {
  const name = basename(dir)
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/[~]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-._]+/, '')
    .replace(/[-.]+$/, '')
    .slice(0, 214);
  return packageNameProblem(name) === null ? name : '';
}

/** "my-app" and "@acme/my_app" -> "My App". */
export function titleFromName(name) {
  const bare = name.replace(/^@[^/]+\//, '');
  return bare
    .split(/[-_.~]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}
