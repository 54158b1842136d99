#!/usr/bin/env node
// The create command: a team makes its own project from this starter.
//   npm run create -- <dir> [flags]        in a checkout of the starter
//   npm create <package> <dir> [flags]     once published as a create-* package (this file is its bin)
// Plain Node ESM with the standard library only: it runs before `npm install`. `--help` lists
// the flags (args.mjs). Exit codes: 0 created, 1 failed (nothing left behind), 2 bad input
// (refused before anything was written), 128+n when stopped by a signal (130 for Ctrl-C).
//
// Nothing is left behind: the project is built in a temporary sibling `<dir>.creating-<random>`
// and renamed into place once complete; npm install and git run after the rename, and a failure
// or a signal there removes `<dir>` again (only its contents if it existed, empty, before).
//
// Test hook: STARTER_CREATE_PAUSE_AFTER_COPY=1 makes the command print "paused after copy" on
// stderr once the files are copied and then wait for a signal, so a test can interrupt it
// halfway deterministically (apps/cli/test/create.e2e-spec.ts).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, readdir, rename, rmdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nameFromDir, parseCreateArgs, titleFromName, UsageError, USAGE } from './args.mjs';
import { copyFiles, listTemplateFiles } from './copy.mjs';
import { removeExamples } from './examples.mjs';
import { ensureGitignore, setPackageName, writeEnv } from './project.mjs';
import { askDirectory, resolveAnswers } from './prompts.mjs';

/** The template is this source tree: two levels above this file. */
const SOURCE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const SIGNAL_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** What exists on disk because of us, so that a failure or a signal can take it back. */
const state = {
  temp: null, // the build directory, until renamed
  target: null, // the project directory, once renamed into place
  keepTargetDir: false, // it existed (empty) before us: take back its contents only
  child: null, // npm or git, running
  done: false,
};
const aborter = new AbortController();

class Interrupted extends Error {}

function onSignal(signal) {
  if (aborter.signal.aborted || (state.temp === null && state.target === null)) {
    // Nothing written yet (or a second Ctrl-C): take back synchronously and leave.
    cleanupSync();
    process.exit(SIGNAL_CODES[signal] ?? 1);
  }
  // Let the running step stop (the copy loop checks between files, a child is killed and
  // waited for), then main() cleans up and exits with the signal's code.
  aborter.abort(signal);
  state.child?.kill(signal);
}
for (const signal of Object.keys(SIGNAL_CODES)) {
  process.on(signal, onSignal);
}

function cleanupSync() {
  if (state.done) {
    return;
  }
  if (state.temp) {
    rmSync(state.temp, { recursive: true, force: true });
  }
  if (state.target) {
    if (state.keepTargetDir) {
      for (const entry of readdirSync(state.target)) {
        rmSync(join(state.target, entry), { recursive: true, force: true });
      }
    } else {
      rmSync(state.target, { recursive: true, force: true });
    }
  }
}

function checkAborted() {
  if (aborter.signal.aborted) {
    throw new Interrupted(String(aborter.signal.reason));
  }
}

function fail(message) {
  throw new UsageError(message);
}

/** Whether the target exists (a directory, maybe empty); refuses a file or a missing parent. */
function targetExists(target, shown) {
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) {
      fail(`${shown} exists and is not a directory`);
    }
    return true;
  }
  const parent = dirname(target);
  if (!existsSync(parent) || !statSync(parent).isDirectory()) {
    fail(`the parent directory of ${shown} does not exist`);
  }
  return false;
}

async function targetIsEmptyDir(target) {
  return (await readdir(target)).length === 0;
}

function commandWorks(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'ignore' });
  return result.status === 0;
}

/** Runs a command in `cwd`; rejects when it fails, Interrupted when a signal stopped us. */
function run(cmd, args, cwd, stdio = 'inherit') {
  checkAborted();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, stdio });
    state.child = child;
    child.on('error', (error) => {
      state.child = null;
      reject(new Error(`${cmd} could not be started: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      state.child = null;
      if (aborter.signal.aborted) {
        reject(new Interrupted(String(aborter.signal.reason)));
      } else if (code === 0) {
        resolvePromise();
      } else {
        reject(new Error(`"${cmd} ${args.join(' ')}" failed (${signal ?? `exit code ${code}`})`));
      }
    });
  });
}

/** The test hook: waits until a signal arrives. */
function pauseForSignal() {
  process.stderr.write('paused after copy (STARTER_CREATE_PAUSE_AFTER_COPY)\n');
  return new Promise((_resolve, reject) => {
    const keepAlive = setInterval(() => {}, 1 << 30);
    aborter.signal.addEventListener('abort', () => {
      clearInterval(keepAlive);
      reject(new Interrupted(String(aborter.signal.reason)));
    });
  });
}

function shellQuote(path) {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

async function main(argv) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 16)) {
    fail(`Node.js ${process.versions.node} is too old; this starter needs Node.js 20.19 or later`); // parseArgs' allowNegative
  }
  const args = parseCreateArgs(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !args.yes;
  // `npm run create` runs us in the starter's root; INIT_CWD is where the user typed it.
  const base = process.env.INIT_CWD || process.cwd();
  const dir = args.dir ?? (interactive ? await askDirectory() : fail('give the directory to create, e.g. create my-app (see --help)'));
  const target = resolve(base, dir);
  const rel = relative(base, target);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? target : rel;

  const exists = targetExists(target, shown);
  if (exists && !(await targetIsEmptyDir(target))) {
    fail(`${shown} already exists and is not empty`);
  }
  if (target === SOURCE_ROOT || SOURCE_ROOT.startsWith(`${target}/`)) {
    fail(`${shown} contains the starter itself`);
  }
  const defaultName = nameFromDir(target);
  const answers = await resolveAnswers(args.answers, { defaultName, interactive });
  if (!answers.name) {
    fail(`cannot make a package name from "${basename(target)}"; give one with --name`);
  }
  if (answers.install && !commandWorks(npm, ['--version'])) {
    fail('npm was not found; install Node.js with npm, or pass --no-install');
  }
  if (answers.git && !commandWorks('git', ['--version'])) {
    fail('git was not found; install it, or pass --no-git');
  }
  // The questions took time: check again that nobody created the directory meanwhile.
  if (existsSync(target) && !(await targetIsEmptyDir(target))) {
    fail(`${shown} already exists and is not empty`);
  }

  const title = titleFromName(answers.name) || answers.name;
  const temp = `${target}.creating-${randomBytes(4).toString('hex')}`;
  await mkdir(temp);
  state.temp = temp;

  console.log(`Creating ${answers.name} in ${shown}`);
  const files = await listTemplateFiles(SOURCE_ROOT, [temp, target]);
  for (let i = 0; i < files.length; i += 16) {
    checkAborted();
    await copyFiles(SOURCE_ROOT, temp, files.slice(i, i + 16));
  }
  checkAborted();
  if (process.env.STARTER_CREATE_PAUSE_AFTER_COPY === '1') {
    await pauseForSignal();
  }
  if (!answers.examples) {
    await removeExamples(temp, files);
  }
  await setPackageName(temp, answers.name);
  await ensureGitignore(temp);
  await writeEnv(temp, { title, sessions: answers.sessions });
  checkAborted();

  // Set before moving: a signal in between still finds everything in one of the two.
  state.target = target;
  if (exists) {
    // An empty directory that already existed (maybe the user's current directory): move the
    // contents in, so that the directory itself stays the same one.
    state.keepTargetDir = true;
    for (const entry of await readdir(temp)) {
      await rename(join(temp, entry), join(target, entry));
    }
    await rmdir(temp);
  } else {
    await rename(temp, target);
  }
  state.temp = null;
  console.log(
    `  copied ${files.length} files, wrote .env (SESSION_STORE=${answers.sessions})${answers.examples ? '' : ', removed the example pages'}`,
  );

  if (answers.install) {
    console.log('> npm install');
    await run(npm, ['install', '--no-audit', '--no-fund'], target);
  }
  if (answers.git) {
    console.log('> git init and a first commit');
    const identity = [];
    await run('git', ['init', '-q'], target);
    if (spawnSync('git', ['config', 'user.name'], { cwd: target }).status !== 0) {
      identity.push('-c', `user.name=${title}`);
    }
    if (spawnSync('git', ['config', 'user.email'], { cwd: target }).status !== 0) {
      identity.push('-c', 'user.email=dev@localhost');
    }
    await run('git', ['add', '-A'], target);
    await run('git', [...identity, 'commit', '-q', '-m', 'Initial commit from the starter'], target);
  }
  checkAborted();
  state.done = true;

  console.log(`
Done. ${title} is in ${shown}. Next:

  cd ${shellQuote(shown)}
  npm start    # ${answers.install ? '' : 'installs dependencies, '}builds, creates the database, starts the api (http://localhost:3000) and the worker
  npm test     # type-checks, lints, builds, then unit, integration and e2e tests (PostgreSQL, Redis, Chromium)
`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    // Refused before anything was written: one line, exit 2.
    process.stderr.write(`create: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    const interrupted = error instanceof Interrupted || aborter.signal.aborted;
    if (!interrupted) {
      process.stderr.write(`create: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    try {
      cleanupSync();
    } catch (cleanupError) {
      process.stderr.write(`create: could not remove ${state.temp ?? state.target}: ${cleanupError.message}\n`);
    }
    if (interrupted) {
      process.stderr.write(`create: interrupted; nothing was left behind\n`);
      process.exit(SIGNAL_CODES[aborter.signal.reason] ?? 1);
    }
    process.stderr.write('create: failed; nothing was left behind\n');
    process.exit(1);
  }
}
