// The questions of the create command. Each question is asked only when no flag answered it;
// without a terminal (or with --yes) every unanswered question takes its default.
import { createInterface } from 'node:readline/promises';
import { packageNameProblem, SESSION_KINDS } from './args.mjs';

/** Defaults, the same with and without a terminal. */
export const DEFAULTS = { sessions: 'file', examples: true, install: true, git: true };

/**
 * Completes `given` (answers from flags) into a full set of answers. `defaultName` is the name
 * derived from the directory ('' when none can be derived). Streams are injectable for tests.
 */
export async function resolveAnswers(given, { defaultName, interactive, input = process.stdin, output = process.stdout }) {
  if (!interactive) {
    const name = given.name ?? defaultName;
    return {
      name,
      sessions: given.sessions ?? DEFAULTS.sessions,
      examples: given.examples ?? DEFAULTS.examples,
      install: given.install ?? DEFAULTS.install,
      git: given.git ?? DEFAULTS.git,
    };
  }
  const rl = createInterface({ input, output });
  // Ctrl-C at a question: nothing is written yet; leave through the command's signal handler.
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    // An empty answer takes `fallback`; `check` turns an answer into { ok, value } or { ok: false, problem }.
    const ask = async (question, hint, fallback, check) => {
      for (;;) {
        const raw = (await rl.question(`${question}${hint === '' ? '' : ` (${hint})`}: `)).trim();
        const result = check(raw === '' ? fallback : raw);
        if (result.ok) {
          return result.value;
        }
        output.write(`  ${result.problem}\n`);
      }
    };
    const yesNo = (question, fallback) =>
      ask(question, fallback ? 'Y/n' : 'y/N', fallback, (answer) => {
        if (typeof answer === 'boolean') {
          return { ok: true, value: answer };
        }
        const a = answer.toLowerCase();
        if (a === 'y' || a === 'yes') {
          return { ok: true, value: true };
        }
        if (a === 'n' || a === 'no') {
          return { ok: true, value: false };
        }
        return { ok: false, problem: 'answer y or n' };
      });

    const name =
      given.name ??
      (await ask('Project name (npm package name)', defaultName, defaultName, (answer) => {
        const problem = packageNameProblem(answer);
        return problem ? { ok: false, problem: `"${answer}": ${problem}` } : { ok: true, value: answer };
      }));
    const sessions =
      given.sessions ??
      (await ask(`Sessions in ${SESSION_KINDS.join(' or ')}`, DEFAULTS.sessions, DEFAULTS.sessions, (answer) => {
        const a = answer.toLowerCase();
        return SESSION_KINDS.includes(a) ? { ok: true, value: a } : { ok: false, problem: `answer ${SESSION_KINDS.join(' or ')}` };
      }));
    const examples = given.examples ?? (await yesNo('Keep the example pages (the status page)?', DEFAULTS.examples));
    const install = given.install ?? (await yesNo('Install dependencies now (npm install)?', DEFAULTS.install));
    const git = given.git ?? (await yesNo('Create a git repository with a first commit?', DEFAULTS.git));
    return { name, sessions, examples, install, git };
  } finally {
    rl.close();
  }
}

/** Asks for the directory when none was given on the command line (terminal only). */
export async function askDirectory({ input = process.stdin, output = process.stdout } = {}) {
  const rl = createInterface({ input, output });
  rl.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  try {
    const answer = (await rl.question('Project directory (my-app): ')).trim();
    return answer === '' ? 'my-app' : answer;
  } finally {
    rl.close();
  }
}
