// Memory of one api process under signed-in page views, with the heap flags given as arguments
// (each argument is one NODE_OPTIONS value to try; none: the defaults). For each: idle RSS after
// boot, then three 5 s wrk/autocannon runs of 50 connections on GET /account, printing req/s,
// RSS and the kernel's peak (VmHWM). Loopback only; prints its figures, records nothing.
//   node bench/memory.mjs "" "--max-old-space-size=128 --max-semi-space-size=8"
import { readFileSync } from 'node:fs';
import { benchDatabase, freePort, loadTest, signIn, startBenchApi, stopChild } from './support.mjs';

const variants = process.argv.length > 2 ? process.argv.slice(2) : [''];
const EMAIL = 'bench-memory@example.org';

function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (field) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
  return `RSS ${mib('VmRSS')} MiB, peak ${mib('VmHWM')} MiB`;
}

const db = await benchDatabase('memory');
try {
  for (const nodeOptions of variants) {
    console.log(`\n== NODE_OPTIONS=${JSON.stringify(nodeOptions)}`);
    const port = await freePort();
    const env = { REDIS_KEY_PREFIX: `bench-memory-${process.pid}-${port}:`, NODE_OPTIONS: nodeOptions };
    const api = await startBenchApi({ databaseUrl: db.url, port, email: EMAIL, env, pinned: false });
    try {
      console.log(`idle: ${memoryOf(api.pid)}`);
      const cookie = await signIn(`http://127.0.0.1:${port}`, EMAIL);
      for (let run = 1; run <= 3; run++) {
        const r = await loadTest({ url: `http://127.0.0.1:${port}/account`, headers: { cookie, accept: 'text/html' }, connections: 50, seconds: 5 });
        console.log(`run ${run}: ${Math.round(r.rps)} req/s, ${memoryOf(api.pid)}`);
      }
    } finally {
      await stopChild(api);
    }
  }
} finally {
  await db.drop();
}
