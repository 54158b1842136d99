// Cache library comparison (issue 15): our libs/cache (from dist/) against cache-manager 7 over
// Keyv + @keyv/redis (what `@nestjs/cache-manager`'s CacheModule builds: `createCache({ stores })`)
// and bentocache (Redis L2 only; memory L1 + L2 + Redis bus; L2 with tags as its group
// invalidation), for our use: the signed-in user lookup, get-or-compute of a small JSON object
// by user id, about 90% hits, plus invalidation of one key and of a whole namespace.
//
// In one process against the machine's Redis (unique key prefix, removed afterwards):
// - throughput: 50 concurrent callers for SECONDS per side, ROUNDS rounds, the order rotated
//   each round; each call picks one of 1000 users and, one time in ten, invalidates that user
//   first (the source of the misses); the "database read" costs a 1 ms timer. Printed: calls/s,
//   p99 of get-or-compute, this process's CPU per call (process.cpuUsage; Redis's is not in it).
// - race probe (5 times): a get-or-compute whose computation read v1 takes 50 ms; once it has read,
//   the source moves to v2 and the key (separately: the namespace) is invalidated. Does a caller after
//   the invalidation get v1; is v1 stored (read by a fresh instance, as another process would)?
// - replicas (5 times): two instances; one caches v1, the other invalidates; does the first serve v1 right
//   after the invalidation returned, and 50 ms later?
// - namespace clear with 10k keys present (SCAN-based clears also walk every other key in the db).
import { createKeyv } from '@keyv/redis';
import { BentoCache, bentostore } from 'bentocache';
import { memoryDriver } from 'bentocache/drivers/memory';
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis';
import { createCache } from 'cache-manager';
import { Redis } from 'ioredis';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { median, root } from './support.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 50;
const USERS = 1000;
const INVALIDATE_SHARE = 0.1;
const CLEAR_KEYS = 10_000;
const PROBE_RUNS = 5;
const TTL_MS = 60_000;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `bench-cachelib-${process.pid}-`;

const { Cache, RedisCacheBackend } = await import(join(root, 'dist/libs/cache/src/index.js'));
const { createRedisConnection, requestPathRedisOptions, waitUntilReady } = await import(
  join(root, 'dist/libs/redis/src/redis-connection.js')
);

/**
 * Each side: `make(ns)` gives one instance (own connections) over namespace `ns`, made unique
 * per side below so that no side finds another's entries (the bentocache sides share a prefix).
 */
const SIDES = [
  ['libs/cache (Redis)', (ns) => ours(ns, {})],
  // Not the app's setting: ioredis auto-pipelining, as node-redis (under @keyv/redis) does by default.
  ['libs/cache, auto-pipelined', (ns) => ours(ns, { enableAutoPipelining: true })],
  ['cache-manager + @keyv/redis', cacheManager],
  ['bentocache L2 (Redis)', (ns) => bento(ns, { l1: false, tags: false })],
  ['bentocache L1+L2+bus', (ns) => bento(ns, { l1: true, tags: false })],
  ['bentocache L2, tags', (ns) => bento(ns, { l1: false, tags: true })],
].map(([name, make], i) => [name, (ns) => make(`s${i}-${ns}`)]);

/** On the connection the app uses (libs/redis: request-path options, no offline queue). */
async function ours(ns, extra) {
  const redis = createRedisConnection(REDIS_URL, { ...requestPathRedisOptions(), ...extra });
  await waitUntilReady(redis);
  const n = new Cache(new RedisCacheBackend(redis), PREFIX).namespace(ns, TTL_MS);
  return {
    getOrCompute: (id, compute) => n.getOrCompute(id, compute),
    get: (id) => n.get(id),
    set: (id, value) => n.set(id, value),
    invalidate: (id) => n.delete(id),
    clear: () => n.clear(),
    close: () => redis.quit(),
  };
}

async function cacheManager(ns) {
  const keyv = createKeyv(REDIS_URL, { namespace: `${PREFIX}cm-${ns}` });
  const cache = createCache({ stores: [keyv], ttl: TTL_MS });
  return {
    getOrCompute: (id, compute) => cache.wrap(id, compute, TTL_MS),
    get: (id) => cache.get(id),
    set: (id, value) => cache.set(id, value, TTL_MS),
    invalidate: (id) => cache.del(id),
    clear: () => cache.clear(), // the namespaced Keyv store: SCAN MATCH <ns>::* + UNLINK
    close: () => cache.disconnect(),
  };
}

async function bento(ns, { l1, tags }) {
  const redis = new Redis(REDIS_URL);
  const store = l1 ? bentostore().useL1Layer(memoryDriver({ maxSize: '20mb' })) : bentostore();
  store.useL2Layer(redisDriver({ connection: redis }));
  if (l1) {
    const { hostname, port } = new URL(REDIS_URL);
    store.useBus(redisBusDriver({ connection: { host: hostname, port: Number(port || 6379) } }));
  }
  const bc = new BentoCache({ default: 'c', prefix: `${PREFIX}bento`, ttl: TTL_MS, stores: { c: store } });
  const n = bc.namespace(ns);
  if (l1) await sleep(200); // lets the bus subscribe (bentocache has no ready signal for it)
  const t = tags ? { tags: [ns] } : {};
  return {
    getOrCompute: (id, compute) => n.getOrSet({ key: id, factory: compute, ...t }),
    get: (id) => n.get({ key: id }),
    set: (id, value) => n.set({ key: id, value, ...t }),
    invalidate: (id) => n.delete({ key: id }),
    clear: () => (tags ? n.deleteByTag({ tags: [ns] }) : n.clear()), // clear: SCAN MATCH + UNLINK
    close: () => bc.disconnectAll().then(() => redis.disconnect()),
  };
}

const user = (id, epoch = 1) => ({ id, email: `${id}@example.org`, roles: ['user'], disabled: false, authEpoch: epoch });

async function throughput(side, seconds) {
  let computes = 0;
  const compute = (id) => async () => {
    computes++;
    await sleep(1);
    return user(id);
  };
  const latencies = [];
  const stopAt = performance.now() + seconds * 1000;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < stopAt) {
        const id = `u${Math.floor(Math.random() * USERS)}`;
        if (Math.random() < INVALIDATE_SHARE) {
          await side.invalidate(id);
        }
        const start = performance.now();
        const value = await side.getOrCompute(id, compute(id));
        latencies.push(performance.now() - start);
        if (value?.id !== id) {
          throw new Error(`wrong value for ${id}: ${JSON.stringify(value)}`);
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  return {
    ops: latencies.length / elapsed,
    p99: latencies[Math.floor(latencies.length * 0.99)],
    cpuUs: (cpu.user + cpu.system) / latencies.length,
    hitRate: 1 - computes / latencies.length,
  };
}

/** One race: true where the stale v1 was returned to a later caller / stored for others. */
async function raceProbe(make, mode, run) {
  const ns = `race-${mode}-${run}`;
  const [side, fresh] = await Promise.all([make(ns), make(ns)]);
  try {
    const id = 'u-race';
    let version = 'v1';
    let started;
    const computing = new Promise((resolve) => (started = resolve));
    const slow = async () => {
      const v = version;
      started();
      await sleep(50);
      return { id, v };
    };
    const current = async () => ({ id, v: version });
    const first = side.getOrCompute(id, slow);
    await computing; // the source is read: now it changes and is invalidated
    version = 'v2';
    await (mode === 'key' ? side.invalidate(id) : side.clear());
    const after = await side.getOrCompute(id, current); // a request arriving after the invalidation
    await first;
    await sleep(20);
    const next = await side.getOrCompute(id, current); // the next request, once all settled
    const stored = await fresh.get(id); // what another process reads from Redis
    return { returned: after.v === 'v1', next: next.v === 'v1', stored: stored?.v === 'v1' };
  } finally {
    await Promise.all([side.close(), fresh.close()]);
  }
}

async function replicaProbe(make, run) {
  const [a, b] = await Promise.all([make(`replicas-${run}`), make(`replicas-${run}`)]);
  try {
    const id = 'u-replica';
    await a.getOrCompute(id, async () => ({ id, v: 'v1' }));
    await a.getOrCompute(id, async () => ({ id, v: 'v1' })); // now in a's L1, if it has one
    await b.invalidate(id);
    const now = await a.getOrCompute(id, async () => ({ id, v: 'v2' }));
    await sleep(50);
    const later = await a.getOrCompute(id, async () => ({ id, v: 'v2' }));
    return { staleNow: now.v === 'v1', staleLater: later.v === 'v1' };
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

async function clearTiming(make) {
  const side = await make('clear');
  try {
    for (let i = 0; i < CLEAR_KEYS; i += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, j) => side.set(`u${i + j}`, user(`u${i + j}`))));
    }
    const present = (await side.get('u0'))?.id === 'u0';
    const t0 = performance.now();
    await side.clear();
    const ms = performance.now() - t0;
    const gone = (await side.get('u0')) === undefined && (await side.get(`u${CLEAR_KEYS - 1}`)) === undefined;
    return { ms, ok: present && gone };
  } finally {
    await side.close();
  }
}

async function cleanup(redis) {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    if (keys.length) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

export async function cacheLibrariesBench() {
  console.log(
    `\n== Cache libraries: get-or-compute of the signed-in user over Redis (${CONCURRENCY} callers, ${USERS} users, 1 in 10 invalidated first)`,
  );
  const admin = new Redis(REDIS_URL);
  try {
    const load = loadavg()[0];
    const dbsize = await admin.dbsize();
    const instances = await Promise.all(SIDES.map(async ([name, make]) => [name, await make('users')]));
    for (const [, side] of instances) {
      await throughput(side, 1); // warm-up: JIT, connections, the first fill
    }
    const samples = new Map(SIDES.map(([name]) => [name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < instances.length; i++) {
        const [name, side] = instances[(i + round) % instances.length];
        samples.get(name).push(await throughput(side, SECONDS));
      }
    }
    await Promise.all(instances.map(([, side]) => side.close()));
    console.log(
      `(${SECONDS} s per sample, ${ROUNDS} rounds, order rotated; load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after; ${dbsize} keys in the Redis db)`,
    );
    const fig = {};
    for (const [name, runs] of samples) {
      const m = (k) => median(runs.map((r) => r[k]));
      fig[name] = { ops: m('ops'), p99: m('p99'), cpuUs: m('cpuUs'), hitRate: m('hitRate'), perRound: runs.map((r) => Math.round(r.ops)) };
      const f = fig[name];
      console.log(
        `  ${name.padEnd(28)} ${f.ops.toFixed(0).padStart(6)} calls/s [${f.perRound.join(', ')}]   p99 ${f.p99.toFixed(1).padStart(5)} ms   CPU/call ${f.cpuUs.toFixed(0).padStart(4)} us   hits ${(f.hitRate * 100).toFixed(0)}%`,
      );
    }
    console.log(
      `  race probe (${PROBE_RUNS} runs each; "stale" = v1 after the invalidation): returned to a later caller / next request / stored for other processes`,
    );
    const yes = (rs, k) => `${rs.filter((r) => r[k]).length}/${rs.length}`;
    for (const [name, make] of SIDES) {
      fig[name].race = {};
      for (const mode of ['key', 'namespace']) {
        const rs = [];
        for (let run = 0; run < PROBE_RUNS; run++) {
          rs.push(await raceProbe(make, mode, run));
        }
        fig[name].race[mode] = { returned: yes(rs, 'returned'), next: yes(rs, 'next'), stored: yes(rs, 'stored'), runs: rs };
      }
      const r = fig[name].race;
      console.log(
        `  ${name.padEnd(28)} key: ${r.key.returned} / ${r.key.next} / ${r.key.stored}   namespace: ${r.namespace.returned} / ${r.namespace.next} / ${r.namespace.stored}`,
      );
    }
    console.log(
      `  two instances (${PROBE_RUNS} runs): A caches v1, B invalidates; A serves v1 right after / 50 ms after   |   namespace clear, 10k keys`,
    );
    for (const [name, make] of SIDES) {
      const reps = [];
      for (let run = 0; run < PROBE_RUNS; run++) reps.push(await replicaProbe(make, run));
      fig[name].replicas = { now: yes(reps, 'staleNow'), later: yes(reps, 'staleLater') };
      fig[name].clear = await clearTiming(make);
      const { now, later } = fig[name].replicas;
      const c = fig[name].clear;
      console.log(`  ${name.padEnd(28)} ${now} / ${later}   |   ${c.ms.toFixed(1).padStart(7)} ms${c.ok ? '' : ' (NOT cleared)'}`);
    }
    const result = { at: new Date().toISOString(), load, dbsize, seconds: SECONDS, rounds: ROUNDS, fig };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results', `cache-libraries-${result.at.replace(/[:.]/g, '-')}.json`), JSON.stringify(result, null, 2));
    return result;
  } finally {
    await cleanup(admin);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await cacheLibrariesBench();
}
