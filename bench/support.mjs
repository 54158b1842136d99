// Shared helpers for the benchmark scripts (plain JavaScript: they run against dist/).
import { execFile, execFileSync } from 'node:child_process';
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
