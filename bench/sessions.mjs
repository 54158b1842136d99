// Session benchmark: our session middleware vs express-session + connect-redis 9
// (the "twin"), our file store vs our Redis store, and a route with vs without the middleware.
// Everything on loopback, 50 connections, bounded durations, in one run.
//
// Fairness and noise (a 2-core machine shared with other work):
// - the same Express app, routes, JSON work and Redis for every contender (bench/session/server.mjs);
// - wrk when installed (far less CPU than autocannon), pinned to its own core, servers on the
//   other (bench/support.mjs); autocannon otherwise;
// - every comparison is measured as an adjacent pair, A then B, and B then A in the next round
//   (ABBA...), so the two sides of a ratio are seconds apart and a slow moment of the machine
//   hurts both alike;
// - every ratio is computed within its pair, then the median over the rounds is reported with
//   its spread; requests/s and p99 are medians over all samples of a case.
// - CPU time per request of the server process and of Redis (from /proc) is reported too: a
//   cost that, unlike requests/s, hardly moves when other work shares the machine.
// Results are also written to bench/results/ (ignored by git) as JSON.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { cpuTimeMs, generatorCore, loadGenerator, loadTest, median, pinnedNode, pinning, root, serverCores } from './support.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP_SECONDS = Math.min(2, SECONDS);
const CONNECTIONS = 50;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** Redis's own pid (it runs on this machine in every setup the bench supports), or null. */
async function redisPid() {
  const client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    return Number(/process_id:(\d+)/.exec(await client.info('server'))?.[1]) || null;
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

async function startServer(mode, port) {
  const [cmd, args] = pinnedNode([join(root, 'bench/session/server.mjs'), mode, String(port)]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${mode} server exited (${code})`)));
  });
  // One signed-in-like session per server, created through the write route itself.
  const res = await fetch(`http://127.0.0.1:${port}/write`, { method: 'POST' });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!res.ok || !cookie) {
    throw new Error(`${mode}: could not create a session (${res.status})`);
  }
  return { mode, port, child, cookie };
}

// [key, server mode, method, path]
const CASES = [
  ['read ours', 'ours-redis', 'GET', '/read'],
  ['read twin', 'twin', 'GET', '/read'],
  ['read file', 'ours-file', 'GET', '/read'],
  ['write ours', 'ours-redis', 'POST', '/write'],
  ['write twin', 'twin', 'POST', '/write'],
  ['write file', 'ours-file', 'POST', '/write'],
  ['plain', 'ours-redis', 'GET', '/plain'],
  ['mounted', 'ours-redis', 'GET', '/mounted'],
  ['plain twin', 'twin', 'GET', '/plain'],
  ['mounted twin', 'twin', 'GET', '/mounted'],
];
const CASE = new Map(CASES.map((c) => [c[0], c]));

// [label, numerator, denominator, target]; each is one adjacent pair per round.
const RATIOS = [
  ['read: ours / twin', 'read ours', 'read twin', 1.25],
  ['write: ours / twin', 'write ours', 'write twin', 1.25],
  ['file read / Redis read (ours)', 'read file', 'read ours', 0.7],
  ['no middleware / mounted (Redis, cookie)', 'plain', 'mounted', 1.6],
  // No target: the same ratio for express-session + connect-redis, which the 1.6x was met by.
  ['no middleware / mounted, twin', 'plain twin', 'mounted twin', null],
  // No target: the file store's write path, for the record (paired with ours + Redis).
  ['file write / Redis write (ours)', 'write file', 'write ours', null],
];

export async function sessionsBench() {
  const servers = new Map();
  for (const [mode, port] of [['ours-redis', 4101], ['twin', 4102], ['ours-file', 4103]]) {
    servers.set(mode, await startServer(mode, port));
  }
  const redis = await redisPid();
  const run = async ([, mode, method, path], seconds) => {
    const server = servers.get(mode);
    const before = [cpuTimeMs(server.child.pid), redis && cpuTimeMs(redis)];
    const result = await loadTest({ url: `http://127.0.0.1:${server.port}${path}`, method, headers: { cookie: server.cookie }, connections: CONNECTIONS, seconds });
    const after = [cpuTimeMs(server.child.pid), redis && cpuTimeMs(redis)];
    const perRequest = (i) => (before[i] === null || after[i] === null ? null : ((after[i] - before[i]) * 1000) / result.requests);
    return { ...result, cpuUs: perRequest(0), redisCpuUs: perRequest(1) };
  };
  const samples = new Map(CASES.map((c) => [c[0], []]));
  const pairs = new Map(RATIOS.map((r) => [r[0], []]));
  const stop = () => {
    for (const s of servers.values()) {
      s.child.kill();
    }
  };
  // An interrupted run must not leave three servers behind.
  process.once('SIGINT', () => (stop(), process.exit(130)));
  process.once('SIGTERM', () => (stop(), process.exit(143)));
  try {
    for (const c of CASES) {
      await run(c, WARMUP_SECONDS); // JIT warm-up, connection pools, file cache: not recorded
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, a, b] of RATIOS) {
        const order = round % 2 === 0 ? [a, b] : [b, a];
        const got = {};
        for (const key of order) {
          got[key] = await run(CASE.get(key), SECONDS);
          samples.get(key).push(got[key]);
        }
        pairs.get(label).push(got[a].rps / got[b].rps);
      }
    }
  } finally {
    stop();
  }

  const fig = {};
  for (const [key, runs] of samples) {
    const cpu = runs.every((r) => r.cpuUs !== null) ? median(runs.map((r) => r.cpuUs)) : null;
    const redisCpu = runs.every((r) => r.redisCpuUs !== null) ? median(runs.map((r) => r.redisCpuUs)) : null;
    fig[key] = { rps: median(runs.map((r) => r.rps)), p99: median(runs.map((r) => r.p99)), cpuUs: cpu, redisCpuUs: redisCpu, runs };
  }
  const ratios = RATIOS.map(([label, , , target]) => {
    const perRound = pairs.get(label);
    return { label, target, median: median(perRound), min: Math.min(...perRound), max: Math.max(...perRound), perRound };
  });

  const pin = pinning ? `, generator on core ${generatorCore}, servers on ${serverCores}` : '';
  console.log(`\nsessions (${loadGenerator}${pin}; ${CONNECTIONS} connections, ${SECONDS} s per sample, ${ROUNDS} rounds of A/B pairs, medians):`);
  const label = {
    'read ours': 'read   ours + Redis store',
    'read twin': 'read   express-session + connect-redis 9',
    'read file': 'read   ours + file store',
    'write ours': 'write  ours + Redis store',
    'write twin': 'write  express-session + connect-redis 9',
    'write file': 'write  ours + file store',
    plain: 'route without the session middleware',
    mounted: 'same route behind the middleware (Redis)',
    'plain twin': 'twin: route without express-session',
    'mounted twin': 'twin: same route behind express-session',
  };
  const us = (v) => (v === null ? '   n/a' : v.toFixed(0).padStart(6));
  for (const [key] of CASES) {
    const f = fig[key];
    console.log(`  ${label[key].padEnd(44)} ${f.rps.toFixed(0).padStart(7)} req/s   p99 ${f.p99.toFixed(1).padStart(6)} ms   CPU/req: server ${us(f.cpuUs)} us, Redis ${us(f.redisCpuUs)} us`);
  }
  console.log('  ratios (median of the per-round A/B pairs [min-max]):');
  for (const r of ratios) {
    const verdict = r.target === null ? '' : `  target >= ${r.target}  ${r.median >= r.target ? 'met' : 'NOT met'}`;
    console.log(`    ${r.label.padEnd(42)} ${r.median.toFixed(3)}x [${r.min.toFixed(2)}-${r.max.toFixed(2)}]${verdict}`);
  }
  const cost = (k) => (fig[k].cpuUs ?? NaN) + (fig[k].redisCpuUs ?? 0);
  console.log(`  CPU per request (server + Redis), twin / ours: read ${(cost('read twin') / cost('read ours')).toFixed(2)}x, write ${(cost('write twin') / cost('write ours')).toFixed(2)}x`);
  const p99 = (a, b) => `${fig[a].p99.toFixed(1)} vs ${fig[b].p99.toFixed(1)} ms`;
  console.log(`  p99 ours vs twin: read ${p99('read ours', 'read twin')}, write ${p99('write ours', 'write twin')}`);

  const result = { at: new Date().toISOString(), loadGenerator, pinning, connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, fig, ratios };
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results', `sessions-${result.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await sessionsBench();
}
