// The floor under any login on this machine: the same I/O as our POST /login with no framework
// at all, so that bench/accounts.mjs can tell the cost of a login's unavoidable work from the
// cost of ours. `node bench/accounts/login-floor.mjs <port> <database-url> <redis-url>`.
//
// Per login, like the api: read the form body; reserve the attempt on the three failure counters
// (Redis, one script, the api's own RedisAttemptCounters) while the user is looked up
// (PostgreSQL); Argon2id verification through a gate of one hash per available core (as the
// api's default); hand the reservation back (Redis, not awaited, as the api does); replace the
// pre-login session with a new one (Redis, one round trip); record the login time and the audit row (PostgreSQL, one statement);
// answer 303 with the cookie.
// Nothing else: no CSRF check, no signed cookie, no logging, no security headers.
// GET /login hands out a session cookie and a form token, so the login client can drive both.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import argon2 from 'argon2';
import { Redis } from 'ioredis';
import pLimit from 'p-limit';
import pg from 'pg';
import { RedisAttemptCounters } from '../../dist/libs/auth/src/login/attempt-counters.js';
import { defaultHashConcurrency } from '../../dist/libs/config/src/index.js';

const [port, databaseUrl, redisUrl] = process.argv.slice(2);
const EMAIL = 'bench-admin@example.org';
const PASSWORD = 'a benchmark passphrase of decent length';
const prefix = `bench-floor-${process.pid}:`;

const redis = new Redis(redisUrl);
const counters = new RedisAttemptCounters(redis, 900_000);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
// The api's default gate (one hash per core), so both sides hash the same way.
const gate = pLimit(defaultHashConcurrency());
await pool.query(
  'CREATE TABLE IF NOT EXISTS floor_users (id serial PRIMARY KEY, email text UNIQUE NOT NULL, hash text NOT NULL, last_login_at timestamptz)',
);
// The audit trail's row for each sign-in (libs/audit): written with the last sign-in time, as the api does.
await pool.query(
  `CREATE TABLE IF NOT EXISTS floor_audit (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), occurred_at timestamptz NOT NULL DEFAULT now(),
     actor_id int, actor_email text, action text NOT NULL, target_type text, target_id text, target_label text, ip text, request_id text,
     details jsonb NOT NULL DEFAULT '{}')`,
);
await pool.query('CREATE INDEX IF NOT EXISTS floor_audit_occurred_at_idx ON floor_audit (occurred_at)');
const hash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
await pool.query('INSERT INTO floor_users (email, hash) VALUES ($1, $2) ON CONFLICT (email) DO UPDATE SET hash = $2', [EMAIL, hash]);

const cookieOf = (header) => /(?:^|;\s*)sid=([^;]+)/.exec(header ?? '')?.[1];

async function login(req, res, body) {
  const form = new URLSearchParams(body);
  const email = form.get('email')?.toLowerCase() ?? '';
  const keys = [`${prefix}ac:${email}.${req.socket.remoteAddress}`, `${prefix}c:${req.socket.remoteAddress}`, `${prefix}a:${email}`];
  const lookup = pool.query('SELECT id, hash FROM floor_users WHERE email = $1', [email]);
  const waitMs = await counters.reserve(keys.map((key, i) => ({ key, limit: [1000, 100000, 100000][i] })));
  if (waitMs > 0) {
    res.writeHead(429).end();
    return;
  }
  const user = (await lookup).rows[0];
  if (!user || !(await gate(() => argon2.verify(user.hash, form.get('password') ?? '')))) {
    res.writeHead(401).end();
    return;
  }
  counters.refund(keys, ['clear', 'decrement', 'decrement']).catch((error) => console.error(error));
  const sid = randomBytes(32).toString('base64url');
  await redis
    .multi()
    .del(`${prefix}sess:${cookieOf(req.headers.cookie)}`)
    .set(`${prefix}sess:${sid}`, JSON.stringify({ userId: user.id, createdAt: Date.now() }), 'PX', 3_600_000)
    .exec();
  // The api's AuditLog.signIn: the audit row and the last sign-in time in one statement.
  await pool.query(
    `WITH signed_in AS (UPDATE floor_users SET last_login_at = now() WHERE id = $1)
     INSERT INTO floor_audit (actor_id, actor_email, action, target_type, target_id, target_label, ip, request_id, details)
     VALUES ($1, $2, 'auth.sign-in', 'user', $3, $2, $4, $5, '{}')`,
    [user.id, email, String(user.id), req.socket.remoteAddress, randomBytes(16).toString('hex')],
  );
  res.writeHead(303, { location: '/', 'set-cookie': `sid=${sid}; Path=/; HttpOnly; SameSite=Lax` }).end();
}

async function loginForm(res) {
  const sid = randomBytes(32).toString('base64url');
  await redis.set(`${prefix}sess:${sid}`, '{}', 'PX', 3_600_000);
  res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': `sid=${sid}; Path=/; HttpOnly; SameSite=Lax` });
  res.end('<form method="post"><input type="hidden" name="_csrf" value="floor"></form>');
}

createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const work = req.method === 'POST' ? login(req, res, Buffer.concat(chunks).toString()) : loginForm(res);
    work.catch((error) => {
      console.error(error);
      res.writeHead(500).end();
    });
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));

process.on('SIGTERM', async () => {
  await pool.query('DROP TABLE IF EXISTS floor_users');
  await pool.query('DROP TABLE IF EXISTS floor_audit');
  await redis.quit();
  await pool.end();
  process.exit(0);
});
