// First and second `npm start` of a fresh clone, each to the first 200 on `/`, as a new user runs
// it: `git clone` (not timed), `npm start` (install, build, embedded PostgreSQL initialised and
// started, migrations, api and worker), Ctrl-C (to the process group, as a terminal sends it),
// then `npm start` again (dependencies and build up to date, the database initialised).
//   node bench/first-start.mjs [repository]      default: this checkout's committed HEAD
// Nothing is read from the caller's environment but PATH and HOME: no DATABASE_URL, no .env.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort, root } from './support.mjs';

const source = process.argv[2] ?? root;

/** `npm start` in `dir` until `/` answers 200; returns the time and the phases seen in its output. */
async function start(dir, port) {
  const started = performance.now();
  const phases = {};
  const child = spawn('npm', ['start'], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const mark = (chunk) => {
    out += chunk.toString();
    for (const [name, pattern] of [
      ['install', /> installing dependencies/],
      ['build', /> build(ing| is up to date)/],
      ['database', /> database: /],
      ['listening', /listening on/],
    ]) {
      if (!(name in phases) && pattern.test(out)) {
        phases[name] = Math.round(performance.now() - started);
      }
    }
  };
  child.stdout.on('data', mark);
  child.stderr.on('data', mark);
  const exited = new Promise((r) => child.on('exit', r));
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`npm start exited before answering:\n${out.slice(-4000)}`);
    }
    const res = await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined);
    if (res?.status === 200) {
      const ms = Math.round(performance.now() - started);
      process.kill(-child.pid, 'SIGINT');
      await exited;
      return { ms, phases, initialised: /initialising embedded PostgreSQL/.test(out) };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'starter-first-start-'));
chmodSync(dir, 0o755); // as root, PostgreSQL runs as "postgres", which must reach .data/
try {
  execFileSync('git', ['clone', '-q', source, dir]);
  const port = await freePort();
  const first = await start(dir, port);
  const second = await start(dir, port);
  console.log(`node ${process.version}, ${new Date().toISOString()}`);
  console.log(`first npm start (install, build, initdb, migrations): ${(first.ms / 1000).toFixed(1)} s to 200 on /   phases (ms from start): ${JSON.stringify(first.phases)}`);
  console.log(`second npm start:                                       ${(second.ms / 1000).toFixed(1)} s to 200 on /   phases (ms from start): ${JSON.stringify(second.phases)}`);
} finally {
  const lib = pathToFileURL(join(dir, 'dist/libs/embedded-postgres/src/index.js')).href;
  await import(lib).then((m) => m.stopEmbeddedPostgres(join(dir, '.data/postgres'))).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
