// Memory of one api process under signed-in page views, per variant of the process's settings.
// Each argument is one variant: node flags (`--max-semi-space-size=8`) and environment variables
// (`MALLOC_ARENA_MAX=2`, `HEAP_GROWTH_PERCENT=0`) separated by spaces; "" is node started bare
// with the apps' defaults; no argument: DEFAULT_VARIANTS. Every
// round starts a fresh api per variant (the order rotates between rounds, so drift on a shared
// machine does not favour one), records its idle RSS, signs in, warms up 3 s, then runs three 5 s
// wrk/autocannon loads of 50 connections on GET /account. Printed per variant: idle RSS, the
// kernel's peak (VmHWM) over the process's life, req/s and the api's CPU per request (from /proc,
// far less noisy than req/s on a shared machine). Loopback only; records nothing.
//   node bench/memory.mjs "" "HEAP_GROWTH_PERCENT=0" "MALLOC_ARENA_MAX=2 --max-semi-space-size=8"
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { IMAGE_RUNTIME, benchDatabase, cpuTimeMs, freePort, loadTest, median, signIn, startBenchApi, stopChild } from './support.mjs';

/**
 * `npm run bench` compares: V8's own heap growth, the apps' default (HEAP_GROWTH_PERCENT=75), both
 * as the Docker image runs node, and the default with node started bare (`node dist/bundle/api.mjs`).
 */
const asImage = [...Object.entries(IMAGE_RUNTIME.env).map(([name, value]) => `${name}=${value}`), ...IMAGE_RUNTIME.nodeFlags].join(' ');
export const DEFAULT_VARIANTS = [`HEAP_GROWTH_PERCENT=0 ${asImage}`, asImage, ''];
const variants = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_VARIANTS;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const RUNS = 3;
const EMAIL = 'bench-memory@example.org';

function statusMiB(pid, field) {
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb ?? 0) / 1024);
}

/** `"A=1 --x=2"` → { env: { A: '1' }, nodeFlags: ['--x=2'] }. */
function parseVariant(text) {
  const env = {};
  const nodeFlags = [];
  for (const token of text.split(/\s+/).filter(Boolean)) {
    const assignment = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(token);
    if (assignment) {
      env[assignment[1]] = assignment[2];
    } else if (token.startsWith('--')) {
      nodeFlags.push(token);
    } else {
      throw new Error(`not a node flag or NAME=value: ${token}`);
    }
  }
  return { env, nodeFlags };
}

async function oneRound(db, variant) {
  const { env, nodeFlags } = parseVariant(variant);
  const port = await freePort();
  const fullEnv = { REDIS_KEY_PREFIX: `bench-memory-${process.pid}-${port}:`, HTTP_DRAIN_MS: '0', ...env };
  const api = await startBenchApi({ databaseUrl: db.url, port, email: EMAIL, env: fullEnv, pinned: false, nodeFlags });
  try {
    const idle = statusMiB(api.pid, 'VmRSS');
    const url = `http://127.0.0.1:${port}/account`;
    const headers = { cookie: await signIn(`http://127.0.0.1:${port}`, EMAIL), accept: 'text/html' };
    await loadTest({ url, headers, connections: 50, seconds: 3 });
    const runs = [];
    for (let run = 0; run < RUNS; run++) {
      const cpuBefore = cpuTimeMs(api.pid);
      const r = await loadTest({ url, headers, connections: 50, seconds: 5 });
      runs.push({ rps: r.rps, cpuUs: ((cpuTimeMs(api.pid) - cpuBefore) * 1000) / r.requests });
    }
    return { idle, peak: statusMiB(api.pid, 'VmHWM'), runs };
  } finally {
    await stopChild(api);
  }
}

export async function memoryBench(list = variants) {
  console.log(`\n== Memory of one api under signed-in page views (${ROUNDS} rounds per variant, fresh process each)`);
  const db = await benchDatabase('memory');
  const results = new Map(list.map((v) => [v, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const order = list.map((_, i) => list[(i + round) % list.length]);
      for (const variant of order) {
        results.get(variant).push(await oneRound(db, variant));
      }
    }
  } finally {
    await db.drop();
  }
  for (const [variant, rounds] of results) {
    const runs = rounds.flatMap((r) => r.runs);
    console.log(
      `${JSON.stringify(variant || '(defaults)')}: idle ${median(rounds.map((r) => r.idle))} MiB, ` +
        `peak ${Math.max(...rounds.map((r) => r.peak))} MiB (rounds: ${rounds.map((r) => r.peak).join(', ')}), ` +
        `${median(runs.map((r) => r.rps)).toFixed(0)} req/s, ${median(runs.map((r) => r.cpuUs)).toFixed(0)} us CPU/request ` +
        `(runs: ${runs.map((r) => r.cpuUs.toFixed(0)).join(', ')})`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await memoryBench();
}
