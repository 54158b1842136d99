// Shared helpers for the benchmark scripts (plain JavaScript: they run against dist/).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** A port nothing listens on right now (the OS picks it), for a server the bench starts. */
export async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const SERVER = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throwaway database, migrated by the app itself or by the caller; dropped afterwards. */
export async function benchDatabase(label) {
  const name = `bench_${label}_${randomBytes(4).toString('hex')}`;
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: SERVER });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(SERVER);
  url.pathname = `/${name}`;
  // Production does not migrate at start: apply the migrations once, as a release step would.
  const { migrate, databaseOptions } = await import(join(root, 'dist/libs/database/src/index.js'));
  const { toAppConfig, validateEnv } = await import(join(root, 'dist/libs/config/src/index.js'));
  const { DataSource } = await import('typeorm');
  const ds = await new DataSource(
    databaseOptions(toAppConfig(validateEnv({ NODE_ENV: 'test', DATABASE_URL: url.toString(), LOG_LEVEL: 'silent' }))),
  ).initialize();
  await migrate(ds, { log() {} });
  await ds.destroy();
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * The HTTP load generator: wrk (a C program, a fraction of autocannon's CPU, which matters on a
 * 2-core machine where the generator and the server share the cores) when installed, else
 * autocannon (an npm devDependency, so a fresh clone can always run the benchmarks).
 * `BENCH_LOADGEN=autocannon` forces autocannon.
 */
export const loadGenerator = process.env.BENCH_LOADGEN === 'autocannon' ? 'autocannon' : WRK() ? 'wrk' : 'autocannon';

function WRK() {
  return ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p));
}

/**
 * CPU pinning on machines with at least 2 cores: the load generator gets the last core, the
 * servers under test the others, so a generator burst never preempts the server mid-request
 * and every contender sees the same split. `BENCH_PIN=0` disables it.
 */
export const pinning = process.env.BENCH_PIN !== '0' && cpus().length >= 2 && existsSync('/usr/bin/taskset');
const lastCore = cpus().length - 1;
export const serverCores = pinning ? `0-${Math.max(0, lastCore - 1)}` : undefined;
export const generatorCore = pinning ? String(lastCore) : undefined;

/** `[command, args]` that runs `node args...` on the server cores when pinning. */
export function pinnedNode(args) {
  return pinning ? ['/usr/bin/taskset', ['-c', serverCores, process.execPath, ...args]] : [process.execPath, args];
}

/**
 * Loads one loopback URL for `seconds` with `connections` keep-alive connections and returns
 * { rps, p50, p99 } (latencies in ms). Any error or non-2xx response fails the run: a fast
 * error page must never pass for a fast session.
 */
export async function loadTest({ url, method = 'GET', headers = {}, connections = 50, seconds = 5 }) {
  if (!/^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) {
    throw new Error(`benchmarks only target loopback, not ${url}`);
  }
  return loadGenerator === 'wrk' ? wrk({ url, method, headers, connections, seconds }) : cannon({ url, method, headers, connections, seconds });
}

function wrk({ url, method, headers, connections, seconds }) {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, `--timeout`, '5s', '-s', join(root, 'bench/session/wrk-report.lua')];
  for (const [name, value] of Object.entries(headers)) {
    args.push('-H', `${name}: ${value}`);
  }
  args.push(url, '--', method);
  const [cmd, argv] = pinning ? ['/usr/bin/taskset', ['-c', generatorCore, WRK(), ...args]] : [WRK(), args];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { timeout: (seconds + 30) * 1000 }, (error, stdout, stderr) => {
      if (error) {
        return reject(new Error(`wrk failed: ${error.message} ${stderr}`));
      }
      const line = stdout.split('\n').find((l) => l.startsWith('WRK_RESULT '));
      if (!line) {
        return reject(new Error(`wrk printed no result:\n${stdout}${stderr}`));
      }
      const r = JSON.parse(line.slice('WRK_RESULT '.length));
      const errors = r.connect + r.read + r.write + r.status + r.timeout;
      if (errors > 0 || r.requests === 0) {
        return reject(new Error(`${method} ${url}: ${r.status} non-2xx/3xx, ${errors - r.status} socket errors`));
      }
      resolve({ requests: r.requests, rps: r.requests / (r.durationUs / 1e6), p50: r.p50Us / 1000, p99: r.p99Us / 1000 });
    });
  });
}

async function cannon({ url, method, headers, connections, seconds }) {
  // Loaded on first use: the bench servers import this file too and need none of it.
  const { default: autocannon } = await import('autocannon');
  return new Promise((resolve, reject) => {
    autocannon({ url, method, headers, connections, duration: seconds }, (err, result) => {
      if (err) {
        return reject(err);
      }
      if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
        return reject(new Error(`${method} ${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`));
      }
      resolve({ requests: result.requests.total, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 });
    });
  });
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time (user + system, ms) a process has used so far, from /proc; null where there is no
 * /proc. Divided by the requests served, it gives a cost per request that, unlike requests/s,
 * hardly depends on what else the machine is running.
 */
export function cpuTimeMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return null;
  }
}

/** The seeded admin's password in every bench database (each bench seeds its own address). */
export const BENCH_PASSWORD = 'a benchmark passphrase of decent length';

/**
 * Starts the production bundle (dist/bundle/api.mjs) on `port` against `databaseUrl`, with a
 * seeded admin `email` / BENCH_PASSWORD, and waits until /health/ready answers (30 s at most).
 * `env` is added to the production settings every bench shares (Redis sessions, a throwaway
 * SMTP address, warnings only); `pinned` runs it on the server cores (see `pinnedNode`);
 * `nodeFlags` go on node's command line (V8 flags such as --heap-growing-percent are refused in
 * NODE_OPTIONS).
 */
export async function startBenchApi({ databaseUrl, port, email, env = {}, pinned = true, nodeFlags = [] }) {
  const fullEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_BASE_URL: 'https://bench.example',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
    AUTH_TOTP_ENCRYPTION_KEY: '6d3c1f0a9b8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e',
    SMTP_URL: 'smtp://127.0.0.1:2525',
    MAIL_FROM: 'bench@example.org',
    SEED_ADMIN_EMAIL: email,
    SEED_ADMIN_PASSWORD: BENCH_PASSWORD,
    LOG_LEVEL: 'warn',
    ...env,
  };
  const bundle = [...nodeFlags, join(root, 'dist/bundle/api.mjs')];
  const [cmd, args] = pinned ? pinnedNode(bundle) : [process.execPath, bundle];
  const child = spawn(cmd, args, { cwd: root, env: fullEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null))?.ok) {
      return child;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGTERM');
  throw new Error(`api on ${port} did not become ready${child.exitCode !== null ? ` (exited with ${child.exitCode})` : ''}:\n${stderr}`);
}

/**
 * How docker/Dockerfile runs node (its runtime ENV; compose.spec.ts checks the Dockerfile says so):
 * for benches whose figure is meant as "one replica as deployed", e.g. peak RSS.
 */
export const IMAGE_RUNTIME = { env: { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' }, nodeFlags: ['--max-semi-space-size=8'] };

/** SIGTERM, then wait for the exit (at once if it has already gone). */
export async function stopChild(child) {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
  }
}

/** The session cookie (`name=value`) a response sets. */
export const sessionCookieOf = (res) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.includes('sid='));

/** The sign-in form, as a browser gets it: its session cookie and CSRF token. */
export async function loginForm(base) {
  const res = await fetch(`${base}/login`);
  return { cookie: sessionCookieOf(res), csrf: /name="_csrf" value="([^"]+)"/.exec(await res.text())?.[1] };
}

/** Posts a fetched sign-in `form` with these credentials; the response, its body read. */
export async function postLogin(base, form, email, password) {
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, _csrf: form.csrf }).toString(),
  });
  await res.arrayBuffer();
  return res;
}

/** A complete browser sign-in (form, then POST); the signed-in session cookie. */
export async function signIn(base, email, password = BENCH_PASSWORD) {
  const res = await postLogin(base, await loginForm(base), email, password);
  if (res.status !== 303) {
    throw new Error(`sign-in on ${base} answered ${res.status}`);
  }
  return sessionCookieOf(res);
}
