import { PasswordHasher, UsersRepository } from '@app/auth';
import { createTestDatabase, TcpProxy, testEnv, testRedisUrl, waitFor, withHostPort, type TestDatabase } from '@app/testing';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { execFile } from 'node:child_process';
import { chmod, rm } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { startApi } from './support/api-harness.js';
import { FormClient } from './support/form-client.js';

const EMAIL = 'outage-login@example.org';
const PASSWORD = 'outage login passphrase';

async function withUser(app: NestExpressApplication): Promise<void> {
  const passwordHash = await app.get(PasswordHasher).hash(PASSWORD);
  await app.get(UsersRepository).create({ email: EMAIL, firstName: 'O', lastName: '', passwordHash, roles: ['user'], emailConfirmedAt: new Date() });
}

async function signedIn(http: ReturnType<typeof request>): Promise<FormClient> {
  const b = new FormClient(http);
  await b.get('/login');
  expect((await b.post('/login', { email: EMAIL, password: PASSWORD })).status).toBe(303);
  await b.get('/account'); // for the logout form's token
  return b;
}

/** The api with Redis sessions reached through a proxy on `proxyPort`, its own database and the test user. */
async function apiBehindRedisProxy(label: string, proxyPort: number) {
  const db = await createTestDatabase(label);
  const app = await startApi({
    env: testEnv({ DATABASE_URL: db.url, REDIS_URL: withHostPort(testRedisUrl(), '127.0.0.1', proxyPort), SESSION_STORE: 'redis' }),
  });
  await withUser(app);
  return { db, app, http: request(app.getHttpServer()) };
}

function expect503(res: request.Response): void {
  expect([res.status, res.text.includes('Service unavailable')]).toEqual([503, true]);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
}

/**
 * Issue 12: during a Redis outage `POST /login` answered 403 (the form could not be shown with a
 * token, so the post had none) while every other page answered 503; and a full or read-only
 * disk, or Redis commands timing out, during login or logout gave a 500. Every dependency
 * failure is a 503 with Retry-After, and no CSRF check is skipped to get there.
 */
describe('login while Redis is down (connections refused)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    const target = new URL(testRedisUrl());
    proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
    ({ db, app, http } = await apiBehindRedisProxy('login_outage', proxy.port));
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    await db?.drop();
  });

  it('shows the form and answers the post with 503, never 403 for a good token, never a sign-in without one', async () => {
    const loadedBefore = new FormClient(http);
    await loadedBefore.get('/login');
    await proxy.cut();
    try {
      const b = new FormClient(http);
      expect((await b.get('/login')).status).toBe(200); // needs no store
      expect503(await b.post('/login', { email: EMAIL, password: PASSWORD }));
      expect503(await loadedBefore.post('/login', { email: EMAIL, password: PASSWORD }));
      // The CSRF check still runs: a missing or foreign token is refused as before.
      expect((await b.post('/login', { email: EMAIL, password: PASSWORD }, { csrf: null })).status).toBe(403);
      expect((await b.post('/login', { email: EMAIL, password: PASSWORD }, { csrf: loadedBefore.csrf })).status).toBe(403);
    } finally {
      await proxy.restore();
    }
    await waitFor(async () => (await http.get('/health/ready')).status === 200, 15_000, 100);
    expect((await new FormClient(http).get('/login')).status).toBe(200);
  });
});

/**
 * A Redis that accepts the connection and then goes silent (or a proxy that stops forwarding):
 * commands fail with ioredis's "Command timed out" after commandTimeout. `hangOn` picks which
 * commands stop the connection: every one, or only scripts (session writes, destroys and the
 * login counters), so that the session read before them still succeeds.
 */
class HangingProxy {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  hangOn: RegExp | undefined;
  port = 0;

  constructor(private readonly target: URL) {}

  async start(): Promise<this> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(Number(this.target.port || 6379), this.target.hostname);
      let hung = false;
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.on('data', (chunk: Buffer) => {
        hung ||= this.hangOn?.test(chunk.toString('latin1')) ?? false;
        if (!hung) {
          upstream.write(chunk);
        }
      });
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server!.address() as net.AddressInfo).port;
    return this;
  }

  /** Forwards again; hung connections are reset (their reply stream is out of step). */
  release(): void {
    this.hangOn = undefined;
    for (const s of this.sockets) {
      s.destroy();
    }
  }

  async stop(): Promise<void> {
    this.release();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** A session store script (write, destroy) on a session key; plain reads (HMGET) and other scripts pass. */
const SESSION_SCRIPT = /eval(sha)?\b[\s\S]*:sess:/i;

describe('login and logout while Redis commands time out', () => {
  let db: TestDatabase;
  let proxy: HangingProxy;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    proxy = await new HangingProxy(new URL(testRedisUrl())).start();
    ({ db, app, http } = await apiBehindRedisProxy('login_timeout', proxy.port));
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    await db?.drop();
  });

  afterEach(async () => {
    proxy.release();
    await waitFor(async () => (await http.get('/health/ready')).status === 200, 15_000, 100);
  });

  /** The answer, and that it came from a command timing out (commandTimeout is 2 s), not a refused connection. */
  async function timedOut(send: () => Promise<request.Response>): Promise<request.Response> {
    const started = Date.now();
    const res = await send();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    return res;
  }

  it('logout: the session loads, its destroy times out → 503', async () => {
    const b = await signedIn(http);
    proxy.hangOn = SESSION_SCRIPT;
    expect503(await timedOut(() => b.post('/logout')));
  }, 20_000);

  it('sign-in: every command times out → 503', async () => {
    const b = new FormClient(http);
    await b.get('/login');
    proxy.hangOn = /./;
    expect503(await timedOut(() => b.post('/login', { email: EMAIL, password: PASSWORD })));
  }, 20_000);

  it('sign-in: the login counters answer, the write of the new session times out → 503', async () => {
    const b = new FormClient(http);
    await b.get('/login');
    proxy.hangOn = SESSION_SCRIPT;
    expect503(await timedOut(() => b.post('/login', { email: EMAIL, password: PASSWORD })));
  }, 20_000);
});

/**
 * The file store on a disk that refuses writes. Tests run as root, where a mode of 0500 stops
 * nothing, so the session directory's `s` folder is made immutable (chattr +i: no entry can be
 * created in it, renamed out of it or removed, even by root; reads still work). As another user
 * a mode of 0500 does the same.
 */
describe('login and logout on a read-only session disk (file sessions)', () => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let env: Record<string, string | undefined>;
  let locked = false;

  const sessionsDir = () => join(env.SESSION_DIR!, 's');
  const isRoot = process.getuid?.() === 0;
  async function lock(on: boolean): Promise<void> {
    if (isRoot) {
      await promisify(execFile)('chattr', [on ? '+i' : '-i', sessionsDir()]);
    } else {
      await chmod(sessionsDir(), on ? 0o500 : 0o700);
    }
    locked = on;
  }

  beforeAll(async () => {
    db = await createTestDatabase('login_rofs');
    env = testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), SESSION_STORE: 'file' });
    app = await startApi({ env });
    http = request(app.getHttpServer());
    await withUser(app);
    await signedIn(http); // creates the store's folders
  });

  afterAll(async () => {
    if (locked) {
      await lock(false);
    }
    await app?.close();
    await rm(env.SESSION_DIR!, { recursive: true, force: true });
    await db?.drop();
  });

  it('sign-in answers 503 (not 500) when the session cannot be written', async () => {
    const b = new FormClient(http);
    await b.get('/login');
    await lock(true);
    try {
      expect503(await b.post('/login', { email: EMAIL, password: PASSWORD }));
    } finally {
      await lock(false);
    }
    expect((await b.post('/login', { email: EMAIL, password: PASSWORD })).status).toBe(303);
  });

  it('logout answers 503 (not 500) when the session cannot be removed, and works once the disk does', async () => {
    const b = await signedIn(http);
    await lock(true);
    try {
      expect((await b.get('/account')).status).toBe(200); // reading still works
      expect503(await b.post('/logout'));
    } finally {
      await lock(false);
    }
    expect((await b.post('/logout')).status).toBe(303);
    expect((await b.get('/account')).status).toBe(303);
  });
});
