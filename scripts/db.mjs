#!/usr/bin/env node
// The project's embedded PostgreSQL (<project>/.data/postgres), which keeps running between
// `npm start`s on purpose:
//   npm run db:stop            stop it (fast shutdown); the data stays
//   npm run db:reset           stop it and delete all its data (asks to type "reset")
//   npm run db:reset -- --yes  the same without asking, for scripts
// Uses the compiled lib (npm run build), like scripts/ensure-database.mjs uses the config lib.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, '.data/postgres');
const usage = 'usage: node scripts/db.mjs stop | reset [--yes]   (npm run db:stop, npm run db:reset)';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'stop' && command !== 'reset') {
  console.error(usage);
  process.exit(2);
}
const unknown = rest.filter((arg) => arg !== '--yes');
if (unknown.length > 0 || (command === 'stop' && rest.length > 0)) {
  console.error(`unknown argument ${rest.join(' ')}\n${usage}`);
  process.exit(2);
}

const lib = join(root, 'dist/libs/embedded-postgres/src/index.js');
if (!existsSync(lib)) {
  console.error(`${lib} is missing: run \`npm run build\` first.`);
  process.exit(1);
}
const { embeddedPostgresStatus, resetEmbeddedPostgres, stopEmbeddedPostgres } = await import(pathToFileURL(lib).href);

if (command === 'stop') {
  const stopped = await stopEmbeddedPostgres(dataDir);
  console.log(stopped ? `stopped the embedded PostgreSQL in ${dataDir}` : `the embedded PostgreSQL in ${dataDir} was not running`);
  process.exit(0);
}

const status = await embeddedPostgresStatus(dataDir);
if (!existsSync(dataDir)) {
  console.log(`nothing to reset: ${dataDir} does not exist`);
  process.exit(0);
}
if (!rest.includes('--yes')) {
  if (!process.stdin.isTTY) {
    console.error('db:reset deletes every row of the development database: run it in a terminal, or pass --yes.');
    process.exit(2);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(
    `This deletes ${dataDir} (the development database${status.running ? ', now running' : ''}) and all its data.\n` +
      'Type the word reset to continue: ',
  );
  prompt.close();
  if (answer.trim() !== 'reset') {
    console.log('not reset');
    process.exit(1);
  }
}
await resetEmbeddedPostgres(dataDir);
console.log(`deleted ${dataDir}; the next \`npm start\` creates a fresh database`);
