// Session benchmark (issue 3): our SessionModule middleware vs express-session + connect-redis,
// and our file store vs our Redis store, interleaved in one run on loopback with autocannon at
// 50 connections. Prints requests/s and p99 latency (medians over the rounds) and the ratios.
import autocannon from 'autocannon';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { median, root } from './support.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 50;

async function startServer(mode, port) {
  const child = fork(join(root, 'bench/session/server.mjs'), [mode, String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${mode} server exited (${code})`)));
  });
  const res = await fetch(`http://127.0.0.1:${port}/write`, { method: 'POST' });
  const cookie = res.headers.get('set-cookie').split(';')[0];
  return { mode, port, child, cookie };
}

function load(server, method, path) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${server.port}${path}`,
        method,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers: { cookie: server.cookie },
      },
      (err, result) => {
        if (err) {
          return reject(err);
        }
        if (result.non2xx > 0 || result.errors > 0) {
          return reject(new Error(`${server.mode} ${path}: ${result.non2xx} non-2xx, ${result.errors} errors`));
        }
        resolve({ rps: result.requests.average, p99: result.latency.p99 });
      },
    );
  });
}

export async function sessionsBench() {
  const servers = [await startServer('ours-redis', 4101), await startServer('twin', 4102), await startServer('ours-file', 4103)];
  const cases = [
    ['ours-redis', 'GET', '/read'],
    ['twin', 'GET', '/read'],
    ['ours-file', 'GET', '/read'],
    ['ours-redis', 'POST', '/write'],
    ['twin', 'POST', '/write'],
    ['ours-file', 'POST', '/write'],
    ['ours-redis', 'GET', '/plain'],
    ['ours-redis', 'GET', '/mounted'],
  ];
  const samples = new Map(cases.map((c) => [c.join(' '), []]));
  try {
    // Warm-up, then rounds in which every case runs once, in the same order: interleaved, so
    // a slow moment of the machine hurts every contender rather than one of them.
    for (const [mode, method, path] of cases) {
      await load({ ...servers.find((s) => s.mode === mode), port: servers.find((s) => s.mode === mode).port }, method, path);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) {
        const server = servers.find((s) => s.mode === c[0]);
        samples.get(c.join(' ')).push(await load(server, c[1], c[2]));
      }
    }
  } finally {
    for (const s of servers) {
      s.child.kill();
    }
  }
  const fig = {};
  for (const [key, runs] of samples) {
    fig[key] = { rps: median(runs.map((r) => r.rps)), p99: median(runs.map((r) => r.p99)) };
  }
  const row = (label, key) => console.log(`  ${label.padEnd(44)} ${fig[key].rps.toFixed(0).padStart(7)} req/s   p99 ${String(fig[key].p99).padStart(3)} ms`);
  console.log(`\nsessions (${CONNECTIONS} connections, ${SECONDS} s x ${ROUNDS} rounds, medians):`);
  row('read   ours + Redis store', 'ours-redis GET /read');
  row('read   express-session + connect-redis 9', 'twin GET /read');
  row('read   ours + file store', 'ours-file GET /read');
  row('write  ours + Redis store', 'ours-redis POST /write');
  row('write  express-session + connect-redis 9', 'twin POST /write');
  row('write  ours + file store', 'ours-file POST /write');
  row('route without the session middleware', 'ours-redis GET /plain');
  row('same route behind the middleware (Redis)', 'ours-redis GET /mounted');
  const ratio = (a, b) => fig[a].rps / fig[b].rps;
  const ratios = {
    readVsTwin: ratio('ours-redis GET /read', 'twin GET /read'),
    writeVsTwin: ratio('ours-redis POST /write', 'twin POST /write'),
    fileReadVsRedisRead: ratio('ours-file GET /read', 'ours-redis GET /read'),
    plainVsMounted: ratio('ours-redis GET /plain', 'ours-redis GET /mounted'),
  };
  console.log(`  ratios: read ours/twin ${ratios.readVsTwin.toFixed(2)}x (target >= 1.25), write ours/twin ${ratios.writeVsTwin.toFixed(2)}x (target >= 1.25),`);
  console.log(`          file read / Redis read ${ratios.fileReadVsRedisRead.toFixed(2)}x (target >= 0.7), no middleware / mounted ${ratios.plainVsMounted.toFixed(2)}x (target >= 1.6)`);
  return { fig, ratios };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await sessionsBench();
}
