import { DependencyUnavailableError } from '@app/errors';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { MemorySessionStore, type SessionRecord, SessionStore } from '@app/session';
import { createSessionMiddleware } from './session.middleware.js';

/** Counts the writes that reach the store. */
class CountingStore extends MemorySessionStore {
  writes = 0;
  override async set(id: string, record: SessionRecord) {
    this.writes++;
    return super.set(id, record);
  }
  override async touch(id: string, at: number) {
    this.writes++;
    return super.touch(id, at);
  }
}

class BrokenStore extends MemorySessionStore {
  override async get(): Promise<SessionRecord | null> {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
  }
}

function appWith(
  store: SessionStore,
  options: { secure?: boolean; cookieName?: string; touchIntervalMs?: number; idle?: number; absolute?: number; now?: () => number } = {},
) {
  const app = express();
  app.use(
    createSessionMiddleware({
      store,
      secrets: ['unit-secret-unit-secret'],
      cookieName: options.cookieName ?? 'sid',
      secure: options.secure ?? false,
      lifetime: { idleTtlMs: options.idle ?? 60_000, absoluteTtlMs: options.absolute ?? 120_000 },
      touchIntervalMs: options.touchIntervalMs,
      now: options.now,
      onSaveFailed: (error, _req, res) => {
        res.status(503).json({ error: String(error) });
      },
    }),
  );
  app.post('/set', (req, res) => {
    req.session!.value = 'v';
    res.json({ ok: true });
  });
  app.get('/get', (req, res) => {
    res.json({ value: req.session!.value ?? null });
  });
  app.get('/form', (req, res) => {
    res.json({ token: req.session!.browserToken() ?? null });
  });
  app.post('/check', express.json(), (req, res) => {
    res.json({ valid: req.session!.isBrowserToken(String((req.body as { token?: string }).token)) });
  });
  app.post('/sign-in', async (req, res, next) => {
    try {
      await req.session!.regenerateWith({ userId: 'u1' });
      res.json({ ok: true });
    } catch (error) {
      next(error);
    }
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res.status(err instanceof DependencyUnavailableError ? 503 : 500).json({ error: String(err) });
  });
  return app;
}

const cookieOf = (res: request.Response) => String((res.headers['set-cookie'] as unknown as string[])[0]).split(';')[0];

describe('session middleware', () => {
  it('reads an unchanged session without writing to the store, and touches it once per interval', async () => {
    // A clock the test moves, so the result does not depend on how fast a loaded CI machine is.
    let clock = 1_000_000;
    const now = () => clock;
    const store = new CountingStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000 }, new Map(), now);
    const app = appWith(store, { touchIntervalMs: 200, now });
    const cookie = cookieOf(await request(app).post('/set').expect(200));
    for (let i = 0; i < 20; i++) {
      clock += 5;
      await request(app).get('/get').set('Cookie', cookie).expect(200, { value: 'v' });
    }
    expect(store.writes).toBe(0);
    clock += 250;
    await request(app).get('/get').set('Cookie', cookie).expect(200);
    await request(app).get('/get').set('Cookie', cookie).expect(200);
    expect(store.writes).toBe(1);
  });

  it('sets a __Host- cookie with Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain in production mode', async () => {
    const app = appWith(new MemorySessionStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000 }), { secure: true, cookieName: '__Host-sid' });
    const header = String((await request(app).post('/set').expect(200)).headers['set-cookie']);
    expect(header).toMatch(/^__Host-sid=[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{43};/);
    for (const attribute of ['Secure', 'HttpOnly', 'SameSite=Lax', 'Path=/']) {
      expect(header).toContain(attribute);
    }
    expect(header).toMatch(/Max-Age=1(19|20);/); // the absolute lifetime, in seconds
    expect(header).not.toMatch(/Domain=/i);
  });

  it('ends a session at its absolute lifetime even though the cookie is still sent', async () => {
    const store = new MemorySessionStore({ idleTtlMs: 1000, absoluteTtlMs: 1000 });
    const app = appWith(store, { idle: 1000, absolute: 1000, touchIntervalMs: 10 });
    const cookie = cookieOf(await request(app).post('/set').expect(200));
    await request(app).get('/get').set('Cookie', cookie).expect(200, { value: 'v' });
    await new Promise((r) => setTimeout(r, 1100));
    await request(app).get('/get').set('Cookie', cookie).expect(200, { value: null });
  });

  it('fails with a dependency error, not an anonymous session, when the store is down', async () => {
    const healthy = new MemorySessionStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000 });
    const cookie = cookieOf(await request(appWith(healthy)).post('/set').expect(200));
    await request(appWith(new BrokenStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000 })))
      .get('/get')
      .set('Cookie', cookie)
      .expect(503);
  });
});

describe('session middleware mounted twice on a route', () => {
  it('keeps the first mount’s session and saves it once', async () => {
    const store = new CountingStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000 });
    const mw = createSessionMiddleware({
      store,
      secrets: ['unit-secret-unit-secret'],
      cookieName: 'sid',
      secure: false,
      lifetime: { idleTtlMs: 60_000, absoluteTtlMs: 120_000 },
      onSaveFailed: () => {
        throw new Error('not expected in this test');
      },
    });
    const app = express();
    app.use(mw, mw);
    app.post('/set', (req, res) => {
      req.session!.value = 'v';
      res.json({ ok: true });
    });
    app.post('/change', (req, res) => {
      req.session!.value = 'w';
      res.json({ ok: true });
    });
    app.get('/get', (req, res) => res.json({ value: req.session!.value ?? null }));
    const first = await request(app).post('/set').expect(200);
    expect(first.headers['set-cookie']).toHaveLength(1);
    const cookie = cookieOf(first);
    await request(app).post('/change').set('Cookie', cookie).expect(200);
    expect(store.writes).toBe(1);
    await request(app).get('/get').set('Cookie', cookie).expect(200, { value: 'w' });
  });
});

class FailingWritesStore extends MemorySessionStore {
  override async create(): Promise<void> {
    throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
  }
}

describe('session middleware: anonymous form tokens (browser binding)', () => {
  it('binds a token to a cookie and stores nothing until sign-in', async () => {
    const store = new CountingStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000 });
    const app = appWith(store);
    const form = await request(app).get('/form').expect(200);
    const token = form.body.token as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const header = String((form.headers['set-cookie'] as unknown as string[])[0]);
    expect(header).toMatch(/^sid=b\./);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).not.toContain(token); // the token is derived from the cookie, not the cookie
    const cookie = header.split(';')[0];
    expect(await store.listByUser('u1')).toEqual([]);
    expect(store.writes).toBe(0);

    // The same browser gets the same token, and its cookie is left as it is.
    const again = await request(app).get('/form').set('Cookie', cookie).expect(200);
    expect(again.body.token).toBe(token);
    expect(again.headers['set-cookie']).toBeUndefined();
    await request(app).post('/check').set('Cookie', cookie).send({ token }).expect(200, { valid: true });
    // Another browser's token, no cookie, or a forged binding: refused.
    const other = await request(app).get('/form').expect(200);
    await request(app).post('/check').set('Cookie', cookie).send({ token: other.body.token }).expect(200, { valid: false });
    await request(app).post('/check').send({ token }).expect(200, { valid: false });
    const forged = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    await request(app).post('/check').set('Cookie', forged).send({ token }).expect(200, { valid: false });

    // Sign-in stores a session under a new id that replaces the binding in the cookie.
    const signIn = await request(app).post('/sign-in').set('Cookie', cookie).expect(200);
    const sid = cookieOf(signIn);
    expect(sid).toMatch(/^sid=[A-Za-z0-9_-]{32}\./);
    expect((await store.listByUser('u1')).map((s) => s.id)).toEqual([decodeURIComponent(sid.slice(4)).split('.')[0]]);
    // A stored session has no browser token: its forms use a token kept in its data.
    await request(app).get('/form').set('Cookie', sid).expect(200, { token: null });
  });

  it('answers a store write failure at sign-in with a dependency error (503), leaving the cookie alone', async () => {
    const app = appWith(new FailingWritesStore({ idleTtlMs: 60_000, absoluteTtlMs: 120_000 }));
    const res = await request(app).post('/sign-in').expect(503);
    expect(res.headers['set-cookie']).toBeUndefined();
  });
});
