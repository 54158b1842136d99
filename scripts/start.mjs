#!/usr/bin/env node
// One command from a fresh clone to a running app (`npm start`):
//   1. install dependencies if node_modules is missing or older than package-lock.json,
//   2. build (swc, about a second),
//   3. create the development database if it does not exist yet,
//   4. start the api and the worker (mail, scheduled jobs); the api applies pending migrations
//      itself in development, the worker waits for them under the same advisory lock.
//   `npm start -- --api-only` starts just the api (run `npm run start:worker` elsewhere).
// Plain JavaScript on purpose: it has to run before anything is installed.
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
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

if (dependenciesStale()) {
  console.log('> installing dependencies');
  run(npm, ['install', '--no-audit', '--no-fund']);
}

console.log('> building');
run(npm, ['run', 'build', '--silent']);

// The compiled config lib reads .env and the environment exactly as the app will.
const { ensureDatabaseExists } = await import(join(root, 'scripts/ensure-database.mjs'));
await ensureDatabaseExists(root);

const apiOnly = process.argv.includes('--api-only');
console.log(`> starting the api${apiOnly ? '' : ' and the worker'} (Ctrl-C to stop)`);
const children = [spawn(process.execPath, [join(root, 'dist/apps/api/src/main.js')], { cwd: root, stdio: 'inherit' })];
if (!apiOnly) {
  // Without the worker, mail (confirmation links, password resets) would wait in the queue.
  children.push(spawn(process.execPath, [join(root, 'dist/apps/worker/src/main.js')], { cwd: root, stdio: 'inherit' }));
}
let stopping = false;
const stopAll = (signal) => {
  stopping = true;
  for (const child of children) {
    if (child.exitCode === null) {
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
      process.exit(exitCode);
    }
  });
}
