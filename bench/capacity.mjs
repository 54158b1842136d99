// Capacity benchmark (issue 14), against the production bundle (dist/bundle/api.mjs):
// - signed-in page views per second (GET /account with a session cookie, sessions in Redis) with
//   one api process and with two, measured as adjacent pairs in one run (1, 2, then 2, 1 ...), so
//   the ratio's two sides are seconds apart;
// - the peak RSS of an api process under that load (VmHWM from /proc, the kernel's high-water
//   mark; target: at most 200 MiB).
// Two apis are loaded by two generators at once, half the connections each, rather than through a
// proxy: a balancer in this process would take CPU from the apis on a small machine, and a real one
// runs elsewhere. Nothing is pinned here (unlike bench/sessions.mjs): pinning keeps the generator's
// core away from the servers, which on 2 cores would leave both apis one core to share and the
// ratio could not show anything. Loopback only (support.mjs refuses anything else), bounded
// durations. Prints its figures; it records nothing.
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IMAGE_RUNTIME, benchDatabase, freePort, loadGenerator, loadTest, median, signIn, startBenchApi, stopChild } from './support.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const EMAIL = 'bench-capacity@example.org';
const MiB = 1024 * 1024;

/** The kernel's peak resident set of a process so far (VmHWM), in bytes; null without /proc. */
function peakRss(pid) {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

/** Page views/s over `bases` at once, the connections split evenly; a non-2xx fails the run. */
async function pageViews(bases, cookie, seconds) {
  // `__Host-` cookies are sent over https only by browsers; the api reads the header as is.
  const headers = { cookie, accept: 'text/html' };
  const results = await Promise.all(
    bases.map((base) => loadTest({ url: `${base}/account`, headers, connections: CONNECTIONS / bases.length, seconds })),
  );
  return results.reduce((sum, r) => sum + r.rps, 0);
}

export async function capacityBench() {
  console.log(`\n== Capacity: signed-in page views, 1 vs 2 api processes (production bundle run as the image runs it, ${loadGenerator}, ${cpus().length} cores, unpinned)`);
  const db = await benchDatabase('capacity');
  const prefix = `bench-capacity-${process.pid}:`;
  const ports = [await freePort(), await freePort()];
  const bases = ports.map((p) => `http://127.0.0.1:${p}`);
  const apis = [];
  try {
    // Unpinned (see above); HTTP_DRAIN_MS=0: stop at once when the bench ends, there is no balancer to drain from.
    // Run as the Docker image runs them (MALLOC_ARENA_MAX, semi-space size); the heap growth is
    // the apps' own default (HEAP_GROWTH_PERCENT).
    const env = { REDIS_KEY_PREFIX: prefix, HTTP_DRAIN_MS: '0', ...IMAGE_RUNTIME.env };
    for (const port of ports) {
      apis.push(await startBenchApi({ databaseUrl: db.url, port, email: EMAIL, env, pinned: false, nodeFlags: IMAGE_RUNTIME.nodeFlags }));
    }
    // The session lives in Redis, so one sign-in works on both apis.
    const cookie = await signIn(bases[0], EMAIL);
    // Warm-up: the JIT and both pools, on both apis.
    await pageViews(bases, cookie, Math.min(3, SECONDS));
    await pageViews(bases.slice(0, 1), cookie, Math.min(2, SECONDS));

    const one = [];
    const two = [];
    const ratios = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [1, 2] : [2, 1];
      const got = {};
      for (const n of order) {
        got[n] = await pageViews(bases.slice(0, n), cookie, SECONDS);
      }
      one.push(got[1]);
      two.push(got[2]);
      ratios.push(got[2] / got[1]);
    }
    const list = (xs) => xs.map((x) => x.toFixed(2)).join(', ');
    console.log(`GET /account, 1 api, ${CONNECTIONS} connections: ${median(one).toFixed(0)}/s (rounds: ${one.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`GET /account, 2 apis, ${CONNECTIONS / 2} connections each: ${median(two).toFixed(0)}/s (rounds: ${two.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`2 apis / 1 api: ${median(ratios).toFixed(2)}x (rounds: ${list(ratios)})`);
    for (const [i, api] of apis.entries()) {
      const peak = peakRss(api.pid);
      const verdict = peak === null ? 'n/a' : peak <= 200 * MiB ? 'MET' : 'NOT MET';
      console.log(`api ${i + 1} peak RSS: ${peak === null ? 'n/a (no /proc)' : `${(peak / MiB).toFixed(1)} MiB`} (target <= 200 MiB) ${verdict}`);
    }
  } finally {
    await Promise.all(apis.map(stopChild));
    await db.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  await capacityBench();
}
