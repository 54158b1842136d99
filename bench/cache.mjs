// Application cache benchmark (issue 15), against the production bundle (dist/bundle/api.mjs):
// signed-in page views per second, GET /account with a signed-in cookie, with the signed-in
// user's state from the cache (libs/cache) and without it (CACHE_STORE=none: one PostgreSQL
// query per page), on Redis (sessions and cache in Redis) and on files (sessions and cache in
// files). Target: at least 1.3x on Redis.
//
// Each pair of apis runs side by side (same database, same settings but CACHE_STORE), pinned to
// the same cores; each round measures A then B, the next round B then A, and the ratio is taken
// within the round (the method of bench/sessions.mjs). Loopback only, bounded durations. The api's
// CPU time per request (from /proc) is printed too: it moves less than req/s on a busy machine.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  benchDatabase,
  cpuTimeMs,
  generatorCore,
  loadGenerator,
  loadTest,
  median,
  pinning,
  root,
  serverCores,
  signIn,
  startBenchApi,
} from './support.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = Math.min(3, SECONDS);
const CONNECTIONS = 50;
const EMAIL = 'bench-admin@example.org';

// [key, port, env]
const APIS = [
  ['redis cached', 4301, { SESSION_STORE: 'redis', CACHE_STORE: 'redis' }],
  ['redis uncached', 4302, { SESSION_STORE: 'redis', CACHE_STORE: 'none' }],
  ['file cached', 4303, { SESSION_STORE: 'file', CACHE_STORE: 'file' }],
  ['file uncached', 4304, { SESSION_STORE: 'file', CACHE_STORE: 'none' }],
];
// [label, numerator, denominator, target]
const RATIOS = [
  ['Redis: cached / uncached', 'redis cached', 'redis uncached', 1.3],
  ['files: cached / uncached', 'file cached', 'file uncached', null],
];

export async function cacheBench() {
  console.log(`\n== Application cache: signed-in GET /account with and without the cached user (production bundle, ${loadGenerator})`);
  const db = await benchDatabase('cache');
  const dirs = { sessions: join(tmpdir(), `bench-cache-sessions-${process.pid}`), cache: join(tmpdir(), `bench-cache-files-${process.pid}`) };
  const apis = new Map();
  const stop = () => apis.forEach((a) => a.child.kill('SIGTERM'));
  try {
    // One after another: the first migrates nothing (benchDatabase did) but seeds the admin.
    for (const [key, port, extra] of APIS) {
      const env = { REDIS_KEY_PREFIX: `bench-cache-${process.pid}:`, SESSION_DIR: dirs.sessions, CACHE_DIR: dirs.cache, ...extra };
      const child = await startBenchApi({ databaseUrl: db.url, port, email: EMAIL, env });
      apis.set(key, { child, base: `http://127.0.0.1:${port}` });
    }
    for (const api of apis.values()) {
      api.cookie = await signIn(api.base, EMAIL);
    }
    const run = async (key, seconds) => {
      const api = apis.get(key);
      const before = cpuTimeMs(api.child.pid);
      const result = await loadTest({ url: `${api.base}/account`, headers: { cookie: api.cookie }, connections: CONNECTIONS, seconds });
      const after = cpuTimeMs(api.child.pid);
      return { ...result, cpuUs: before === null || after === null ? null : ((after - before) * 1000) / result.requests };
    };
    for (const [key] of APIS) {
      await run(key, WARMUP_SECONDS); // JIT, pools, the first cache fill: not recorded
    }
    const load = loadavg()[0];
    const samples = new Map(APIS.map(([key]) => [key, []]));
    const pairs = new Map(RATIOS.map(([label]) => [label, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, a, b] of RATIOS) {
        const got = {};
        for (const key of round % 2 === 0 ? [a, b] : [b, a]) {
          got[key] = await run(key, SECONDS);
          samples.get(key).push(got[key]);
        }
        pairs.get(label).push(got[a].rps / got[b].rps);
      }
    }
    const loadAfter = loadavg()[0];
    const pin = pinning ? `, generator on core ${generatorCore}, apis on ${serverCores}` : '';
    console.log(`(${CONNECTIONS} connections, ${SECONDS} s per sample, ${ROUNDS} rounds${pin}; load average ${load.toFixed(2)} before, ${loadAfter.toFixed(2)} after)`);
    const fig = {};
    for (const [key, runs] of samples) {
      fig[key] = {
        rps: median(runs.map((r) => r.rps)),
        p99: median(runs.map((r) => r.p99)),
        cpuUs: runs.every((r) => r.cpuUs !== null) ? median(runs.map((r) => r.cpuUs)) : null,
      };
      const cpu = fig[key].cpuUs === null ? 'n/a' : `${fig[key].cpuUs.toFixed(0)} us`;
      console.log(`  ${key.padEnd(16)} ${fig[key].rps.toFixed(0).padStart(6)} req/s   p99 ${fig[key].p99.toFixed(1).padStart(6)} ms   api CPU/req ${cpu}`);
    }
    const ratios = RATIOS.map(([label, , , target]) => {
      const perRound = pairs.get(label);
      const m = median(perRound);
      const verdict = target === null ? '' : `  target >= ${target}x ${m >= target ? 'MET' : 'NOT MET'}`;
      console.log(`  ${label.padEnd(26)} ${m.toFixed(2)}x [${Math.min(...perRound).toFixed(2)}-${Math.max(...perRound).toFixed(2)}]${verdict}`);
      return { label, target, median: m, perRound };
    });
    const result = { at: new Date().toISOString(), loadGenerator, pinning, load: [load, loadAfter], seconds: SECONDS, rounds: ROUNDS, fig, ratios };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results', `cache-${result.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
    return result;
  } finally {
    stop();
    await Promise.all([...apis.values()].map((a) => (a.child.exitCode !== null ? null : new Promise((r) => a.child.once('exit', r)))));
    await db.drop();
    rmSync(dirs.sessions, { recursive: true, force: true });
    rmSync(dirs.cache, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await cacheBench();
}
