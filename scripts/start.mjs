#!/usr/bin/env node
// One command from a fresh clone to a running app (`npm start`):
//   1. install dependencies if node_modules is missing or older than package-lock.json,
//   2. build (swc, about a second),
//   3. create the development database if it does not exist yet,
//   4. start the api; it applies pending migrations itself in development.
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

console.log('> starting the api (Ctrl-C to stop)');
const api = spawn(process.execPath, [join(root, 'dist/apps/api/src/main.js')], { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => api.kill(signal));
}
api.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
