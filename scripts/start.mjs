#!/usr/bin/env node
// One command from a fresh clone to a running app (`npm start`):
//   1. install dependencies if node_modules is missing or older than package-lock.json,
//   2. build (swc, a few seconds),
//   3. the database: without DATABASE_URL, the project's embedded PostgreSQL in .data/postgres
//      (started if it is not running); with DATABASE_URL, that database is created if missing,
//   4. start the api and the worker (mail, scheduled jobs); the api applies pending migrations
//      itself in development, the worker waits for them under the same advisory lock.
// Ctrl-C (or SIGTERM) stops the api and the worker, and the embedded PostgreSQL if this run
// started it (one started by `nest start` or an earlier run is left as it was).
// Options (after `npm start --`):
//   --api-only       just the api (run `npm run start:worker` elsewhere)
//   --skip-install   never run `npm install` (node_modules is managed elsewhere)
//   --skip-build     use dist/ as it is; without it, the build runs when a source file changed since
//                    the last build npm start made (dist/.start-build-stamp)
// Plain JavaScript on purpose: it has to run before anything is installed.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const options = new Set(process.argv.slice(2));
const known = ['--api-only', '--skip-install', '--skip-build'];
for (const option of options) {
  if (!known.includes(option)) {
    console.error(`unknown option ${option}; known: ${known.join(' ')}`);
    process.exit(2);
  }
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`\n"${cmd} ${args.join(' ')}" failed; see the output above.`);
    process.exit(result.status ?? 1);
  }
}

function dependenciesStale() {
  const marker = join(root, 'node_modules/.package-lock.json');
  if (!existsSync(marker)) {
    return true;
  }
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

if (!options.has('--skip-install') && dependenciesStale()) {
  console.log('> installing dependencies');
  run(npm, ['install', '--no-audit', '--no-fund']);
}

const buildStamp = join(root, 'dist/.start-build-stamp');
const BUILD_INPUTS = ['apps', 'libs', 'scripts/bundle.mjs', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', '.swcrc'];

/** The newest modification time among the build's inputs (a few hundred files: milliseconds). */
function newestInput(path) {
  if (!existsSync(path)) {
    return 0;
  }
  const info = statSync(path);
  if (!info.isDirectory()) {
    return info.mtimeMs;
  }
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestInput(join(path, name))), info.mtimeMs);
}

function buildStale() {
  if (!existsSync(buildStamp) || !existsSync(join(root, 'dist/apps/api/src/main.js'))) {
    return true;
  }
  const built = statSync(buildStamp).mtimeMs;
  return BUILD_INPUTS.some((input) => newestInput(join(root, input)) > built);
}

if (!options.has('--skip-build')) {
  if (buildStale()) {
    console.log('> building');
    const started = Date.now();
    run(npm, ['run', 'build', '--silent']);
    // Stamped with the time the build started: a file saved during the build triggers the next one.
    writeFileSync(buildStamp, '');
    utimesSync(buildStamp, new Date(started), new Date(started));
  } else {
    console.log('> build is up to date');
  }
}

// Stopping during the database step (a first initdb takes about a second) must not leave the
// api and worker starting afterwards.
let stopping = false;
const earlyStop = () => {
  stopping = true;
};
process.on('SIGINT', earlyStop);
process.on('SIGTERM', earlyStop);

const { ensureDatabaseExists } = await import(pathToFileURL(join(root, 'scripts/ensure-database.mjs')).href);
const prepared = await ensureDatabaseExists(root);
const ownedDatabase = prepared?.embeddedDatabase?.startedHere ? prepared.embeddedDatabase.dataDir : undefined;

/** The embedded PostgreSQL goes with us only if this run started it. */
async function finish(code) {
  if (ownedDatabase) {
    const { stopEmbeddedPostgres } = await import(pathToFileURL(join(root, 'dist/libs/embedded-postgres/src/index.js')).href);
    console.log('> stopping the embedded PostgreSQL this run started');
    await stopEmbeddedPostgres(ownedDatabase).catch((error) => console.error(`could not stop the embedded PostgreSQL: ${error.message}`));
  }
  process.exit(code);
}

process.off('SIGINT', earlyStop);
process.off('SIGTERM', earlyStop);
if (stopping) {
  await finish(0);
}

const apiOnly = options.has('--api-only');
console.log(`> starting the api${apiOnly ? '' : ' and the worker'} (Ctrl-C to stop)`);
/**
 * The bundle `npm run build` makes (dist/bundle/<app>.mjs, what start:prod runs) when it is there:
 * it boots in about half the time of the unbundled swc output (docs/benchmarks.md, cold start).
 * The environment decides development or production, as for any other start.
 */
function app(name) {
  const bundle = join(root, `dist/bundle/${name}.mjs`);
  const entry = existsSync(bundle) ? ['--enable-source-maps', bundle] : [join(root, `dist/apps/${name}/src/main.js`)];
  return spawn(process.execPath, entry, { cwd: root, stdio: 'inherit' });
}
const children = [app('api')];
if (!apiOnly) {
  // Without the worker, mail (confirmation links, password resets) would wait in the queue.
  children.push(app('worker'));
}
const stopAll = (signal) => {
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
    }
  }
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => stopAll(signal));
}
// One process ending (a crash, or a config error) stops the other: half an app is no app.
let exitCode = 0;
let running = children.length;
for (const child of children) {
  child.on('exit', (code, signal) => {
    exitCode ||= code ?? (signal && stopping ? 0 : 1);
    if (!stopping) {
      stopAll('SIGTERM');
    }
    if (--running === 0) {
      void finish(exitCode);
    }
  });
}
