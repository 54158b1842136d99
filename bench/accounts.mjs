// Accounts benchmark (issue 5), against the production bundle (dist/bundle/api.mjs):
// - login throughput (POST /login: throttle check, user lookup, Argon2id verification, new
//   session; each with a sign-in form fetched before the measured window) versus raw
//   argon2.verify of the same parameters in one Node process, at the same concurrency, pinned to
//   the same cores. Target: at least 0.95x.
// - requests/s of an authenticated page (GET /account with a session cookie), and of
//   GET /api/me with an API key.
// Loopback only, bounded durations; sessions in Redis. The api and the raw Argon2 process are
// pinned to the same cores (bench/support.mjs), the client loop runs beside them.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { benchDatabase, generatorCore, loadGenerator, loadTest, median, pinnedNode, root } from './support.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// Argon2 runs on libuv's thread pool (4 threads by default); both sides get the same concurrency.
const LOGIN_CONCURRENCY = 4;
const EMAIL = 'bench-admin@example.org';
const PASSWORD = 'a benchmark passphrase of decent length';

/** Logins/s from bench/accounts/login-client.mjs, pinned to the load generator's core. */
function loginRate(base, seconds) {
  const script = [join(root, 'bench/accounts/login-client.mjs'), base, String(seconds), String(LOGIN_CONCURRENCY), EMAIL, PASSWORD];
  const [cmd, args] = generatorCore ? ['/usr/bin/taskset', ['-c', generatorCore, process.execPath, ...script]] : [process.execPath, script];
  return new Promise((resolve, reject) =>
    execFile(cmd, args, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout).rate))),
  );
}

/** Raw verification in a child process pinned like the api (bench/accounts/argon2-raw.mjs). */
function rawArgon2(seconds) {
  const [cmd, args] = pinnedNode([join(root, 'bench/accounts/argon2-raw.mjs'), String(seconds), String(LOGIN_CONCURRENCY)]);
  return new Promise((resolve, reject) =>
    execFile(cmd, args, (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout).rate))),
  );
}

async function startApi(databaseUrl, port) {
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_BASE_URL: 'https://bench.example',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    REDIS_KEY_PREFIX: `bench-accounts-${process.pid}:`,
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'bench@example.org',
    SEED_ADMIN_EMAIL: EMAIL,
    SEED_ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: 'warn',
    // Logins are the point here: a benchmark client is one IP that must not be throttled.
    AUTH_MAX_FAILURES_PER_IP: '100000',
    AUTH_MAX_FAILURES_PER_ACCOUNT: '1000',
  };
  const [cmd, args] = pinnedNode([join(root, 'dist/bundle/api.mjs')]);
  const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).ok) {
        return child;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGTERM');
  throw new Error(`api did not become ready${child.exitCode !== null ? ` (exited with ${child.exitCode})` : ''}:\n${stderr}`);
}

const cookieOf = (res) => res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.includes('sid='));

/** One complete browser login: the form (session + CSRF token), then the POST. */
async function login(base) {
  const form = await fetch(`${base}/login`);
  const cookie = cookieOf(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: EMAIL, password: PASSWORD, _csrf: csrf }).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 303) {
    throw new Error(`login answered ${res.status}`);
  }
  return cookieOf(res);
}

/** Latency of one failed login (form + POST), for an existing account or an unknown one. */
async function failedLoginMs(base, email) {
  const form = await fetch(`${base}/login`);
  const cookie = cookieOf(form);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  const started = performance.now();
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: 'a wrong password entirely', _csrf: csrf }).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 401) {
    throw new Error(`failed login answered ${res.status}`);
  }
  return performance.now() - started;
}

export async function accountsBench() {
  console.log(`\n== Accounts (production bundle, sessions in Redis, ${loadGenerator} for page loads)`);
  const db = await benchDatabase('accounts');
  const port = 4201;
  const base = `http://127.0.0.1:${port}`;
  const api = await startApi(db.url, port);
  try {
    await rawArgon2(1); // warm-up
    await loginRate(base, 1);

    const ratios = [];
    const rawRates = [];
    const loginRates = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which side goes first, so machine drift hurts both alike.
      const first = round % 2 === 0;
      const a = first ? await rawArgon2(SECONDS) : undefined;
      const b = await loginRate(base, SECONDS);
      const c = first ? a : await rawArgon2(SECONDS);
      rawRates.push(c);
      loginRates.push(b);
      ratios.push(b / c);
    }
    const fmt = (n) => n.toFixed(1);
    console.log(`raw argon2id verify (m=19456 KiB, t=2, p=1), ${LOGIN_CONCURRENCY} at a time: ${fmt(median(rawRates))}/s`);
    console.log(`POST /login through the api (forms fetched beforehand), ${LOGIN_CONCURRENCY} at a time: ${fmt(median(loginRates))}/s`);
    const ratio = median(ratios);
    console.log(
      `login / raw argon2: ${ratio.toFixed(2)}x (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}; target >= 0.95x) ${ratio >= 0.95 ? 'MET' : 'NOT MET'}`,
    );

    // Enumeration by timing: a wrong password for a real account vs an unknown address.
    const known = [];
    const unknown = [];
    for (let i = 0; i < 20; i++) {
      known.push(await failedLoginMs(base, EMAIL));
      unknown.push(await failedLoginMs(base, `nobody-${i}@example.org`));
    }
    console.log(
      `failed login, median of 20 (POST only): existing account ${median(known).toFixed(1)} ms, unknown address ${median(unknown).toFixed(1)} ms`,
    );

    const cookie = await login(base);
    const page = await loadTest({ url: `${base}/account`, headers: { cookie }, connections: 50, seconds: SECONDS });
    console.log(`GET /account (signed in, session in Redis): ${Math.round(page.rps)} req/s, p50 ${page.p50} ms, p99 ${page.p99} ms`);

    const created = await fetch(`${base}/api/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD, label: 'bench' }),
    });
    const { token } = await created.json();
    const me = await loadTest({ url: `${base}/api/me`, headers: { authorization: `Bearer ${token}` }, connections: 50, seconds: SECONDS });
    console.log(`GET /api/me (API key): ${Math.round(me.rps)} req/s, p50 ${me.p50} ms, p99 ${me.p99} ms`);
  } finally {
    api.kill('SIGTERM');
    await new Promise((r) => api.once('exit', r));
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await accountsBench();
}
