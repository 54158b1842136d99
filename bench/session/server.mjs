// One bench server process: `node bench/session/server.mjs <mode> <port>`.
//   ours-redis  our session middleware + RedisSessionStore (ioredis)
//   ours-file   our session middleware + FileSessionStore (a temp directory)
//   twin        express-session + connect-redis 9 (node-redis 5): the de facto stack
// Routes are identical in every mode:
//   GET /plain    registered before the session middleware (never touches it)
//   GET /read     reads the session
//   POST /write   changes the session (a counter)
//   GET /mounted  same handler as /plain, but behind the session middleware
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from '../support.mjs';

const [mode, port] = process.argv.slice(2);
const SECRET = 'bench-secret-bench-secret-bench-secret';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `bench:${process.pid}:`;
const lifetime = { idleTtlMs: 3600_000, absoluteTtlMs: 24 * 3600_000 };
// Another build of the libs (e.g. a copy made before others rebuild dist/); defaults to dist/.
const DIST = process.env.BENCH_DIST ?? join(root, 'dist');
// The file store's directory, removed on exit.
let sessionsDir;
// A clean exit on SIGTERM, so that `node --cpu-prof bench/session/server.mjs ...` writes its profile.
process.on('SIGTERM', () => process.exit(0));
process.on('exit', () => sessionsDir && rmSync(sessionsDir, { recursive: true, force: true }));

const app = express();
app.disable('x-powered-by');
const ok = (_req, res) => res.json({ ok: true });
app.get('/plain', ok);

if (mode === 'twin') {
  const { default: session } = await import('express-session');
  const { RedisStore } = await import('connect-redis');
  const { createClient } = await import('redis');
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  app.use(
    session({
      store: new RedisStore({ client, prefix: PREFIX }),
      secret: SECRET,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', maxAge: lifetime.absoluteTtlMs },
    }),
  );
} else {
  // Store classes straight from their modules: the lib's barrel exports only what the apps use.
  const lib = {
    ...(await import(pathToFileURL(join(DIST, 'libs/session/src/stores/redis-session-store.js')).href)),
    ...(await import(pathToFileURL(join(DIST, 'libs/session/src/stores/file-session-store.js')).href)),
  };
  let store;
  if (mode === 'ours-redis') {
    const { createRedisConnection, waitUntilReady } = await import(pathToFileURL(join(DIST, 'libs/redis/src/index.js')).href);
    const redis = createRedisConnection(REDIS_URL);
    await waitUntilReady(redis);
    store = new lib.RedisSessionStore(redis, lifetime, PREFIX);
  } else {
    sessionsDir = mkdtempSync(join(tmpdir(), 'bench-sessions-'));
    store = new lib.FileSessionStore({ dir: sessionsDir, lifetime, secrets: [SECRET] });
  }
  // The middleware is the api's (libs/session-http); a failed save answers a bare 503 here, as
  // the api's error filter would (it never happens in this benchmark).
  const http = await import(pathToFileURL(join(DIST, 'libs/session-http/src/session.middleware.js')).href);
  const onSaveFailed = (_error, _req, res) => res.status(503).end();
  app.use(http.createSessionMiddleware({ store, secrets: [SECRET], cookieName: 'sid', secure: false, lifetime, onSaveFailed }));
}

app.get('/read', (req, res) => res.json({ n: req.session.n ?? 0 }));
app.post('/write', (req, res) => {
  req.session.n = (req.session.n ?? 0) + 1;
  res.json({ n: req.session.n });
});
app.get('/mounted', ok);

app.listen(Number(port), '127.0.0.1', () => process.send?.('ready'));
