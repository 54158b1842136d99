// Cold start: time from spawning the built api (`node dist/bundle/api.mjs`, production
// settings) to its first 200 on `/`, over several runs. Prints each run and the median.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { benchDatabase, freePort, root, median } from './support.mjs';

const RUNS = Number(process.argv[2] ?? 9);

async function once(env) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist/bundle/api.mjs')], {
    cwd: root,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((r) => child.on('exit', r));
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error('api exited before answering');
      }
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`);
        if (res.status === 200) {
          return performance.now() - started;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

// Two set-ups, as a deployment would run them: the embedded defaults (file sessions, queue on
// PostgreSQL) and with Redis (Redis sessions, BullMQ on Redis). A target of 800 ms applies to both.
const SETUPS = [
  { name: 'no REDIS_URL (file sessions, queue on PostgreSQL)', env: {} },
  {
    name: 'with REDIS_URL (Redis sessions and queue)',
    env: { REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0', REDIS_KEY_PREFIX: 'bench-cold-start:' },
  },
];

export async function coldStart() {
  const db = await benchDatabase('cold_start');
  const base = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    APP_BASE_URL: 'https://bench.example.org',
    DATABASE_URL: db.url,
    SESSION_SECRET: 'bench-Jx0l9V2qk3mJmQ1Pz7cYb8e4W5rT6uI0oP9aS8',
    AUTH_TOTP_ENCRYPTION_KEY: '6d3c1f0a9b8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e',
    LOG_LEVEL: 'warn',
    // Production requires a sender and an SMTP server; the api never connects to it (the worker sends).
    MAIL_FROM: 'Bench <bench@example.org>',
    SMTP_URL: 'smtp://127.0.0.1:2525',
  };
  try {
    const results = [];
    for (const setup of SETUPS) {
      const times = [];
      for (let i = 0; i < RUNS; i++) {
        times.push(await once({ ...base, ...setup.env }));
      }
      const result = { setup: setup.name, runs: RUNS, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times) };
      console.log(
        `cold start, ${setup.name} (built api, NODE_ENV=production, spawn -> first 200 on /): ` +
          `median ${result.medianMs.toFixed(0)} ms, min ${result.minMs.toFixed(0)} ms, max ${result.maxMs.toFixed(0)} ms over ${RUNS} runs`,
      );
      results.push(result);
    }
    return results;
  } finally {
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await coldStart();
}
