import type { NestExpressApplication } from '@nestjs/platform-express';
import { generateSessionId } from '@app/session';
import { signSessionId } from '@app/session-http';
import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase } from '@app/testing';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { startSessionApp } from './support/session-app.js';
import { fileBackend, redisBackend, sessionCookie, slowRequestGate, type StoreBackend } from './support/session-probe.js';

const SECRET = 'test-secret-test-secret-test-secret';

describe.each(['redis', 'file'] as const)('sessions through the api (%s store)', (kind) => {
  let db: TestDatabase;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;
  let backend: StoreBackend;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    db = await createTestDatabase(`sessions_${kind}`);
    env = testEnv({ DATABASE_URL: db.url, SESSION_STORE: kind, SESSION_SECRET: SECRET, ...(kind === 'redis' ? { REDIS_URL: testRedisUrl() } : {}) });
    app = await startSessionApp({ env });
    http = request(app.getHttpServer());
    backend = kind === 'redis' ? redisBackend(testRedisUrl(), env.REDIS_KEY_PREFIX!) : fileBackend(env.SESSION_DIR!);
  });

  afterAll(async () => {
    await app?.close();
    await backend?.close();
    if (env?.SESSION_DIR) {
      await rm(env.SESSION_DIR, { recursive: true, force: true });
    }
    await db?.drop();
  });

  async function newSession(value = 'hello') {
    const res = await http.post('/probe/remember').send({ value }).expect(200);
    const cookie = sessionCookie(res);
    expect(cookie).toBeDefined();
    return cookie!;
  }

  it('creates no session for anonymous traffic that stores nothing', async () => {
    const before = await backend.count();
    for (const path of ['/', '/status', '/nope', '/probe/whoami']) {
      const res = await http.get(path);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await backend.count()).toBe(before);
  });

  it('stores a session when something is remembered, behind an HttpOnly SameSite=Lax cookie', async () => {
    const cookie = await newSession('kept');
    expect(cookie.header).toMatch(/HttpOnly/);
    expect(cookie.header).toMatch(/SameSite=Lax/);
    expect(cookie.header).toMatch(/Path=\//);
    expect(cookie.header).not.toMatch(/Domain=/);
    expect(await backend.has(cookie.id)).toBe(true);
    const me = await http.get('/probe/whoami').set('Cookie', cookie.pair).expect(200);
    expect(me.body).toEqual({ id: cookie.id, userId: null, value: 'kept' });
    expect(me.headers['set-cookie']).toBeUndefined(); // reading does not re-issue the cookie
  });

  it('issues a new id at sign-in and destroys the pre-login record (fixation)', async () => {
    const before = await newSession('pre-login');
    const login = await http.post('/probe/login').set('Cookie', before.pair).send({ userId: 'u-fix' }).expect(200);
    const after = sessionCookie(login)!;
    expect(after.id).not.toBe(before.id);
    expect(await backend.has(before.id)).toBe(false);
    expect(await backend.has(after.id)).toBe(true);
    const replay = await http.get('/probe/whoami').set('Cookie', before.pair).expect(200);
    expect(replay.body.userId).toBeNull();
    const me = await http.get('/probe/whoami').set('Cookie', after.pair).expect(200);
    expect(me.body.userId).toBe('u-fix');
    expect(me.body.value).toBeNull(); // the pre-login data did not follow
  });

  it('logout deletes the record, clears the cookie, and the old cookie is anonymous afterwards', async () => {
    const login = sessionCookie(await http.post('/probe/login').send({ userId: 'u-out' }).expect(200))!;
    const out = await http.post('/probe/logout').set('Cookie', login.pair).expect(200);
    expect(out.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    expect(sessionCookie(out)!.header).toMatch(/sid=;.*Max-Age=0/);
    expect(await backend.has(login.id)).toBe(false);

    const replay = await http.get('/probe/whoami').set('Cookie', login.pair).expect(200);
    expect(replay.body).toEqual({ id: null, userId: null, value: null });
    expect(await backend.has(login.id)).toBe(false);
  });

  it('never lets a slow request bring a logged-out session back', async () => {
    const login = sessionCookie(await http.post('/probe/login').send({ userId: 'u-slow' }).expect(200))!;
    slowRequestGate.reset();
    const slow = http.post('/probe/slow').set('Cookie', login.pair).then((r) => r);
    await slowRequestGate.loaded.promise; // the slow request holds the session it loaded
    await http.post('/probe/logout').set('Cookie', login.pair).expect(200);
    slowRequestGate.release.resolve();
    expect((await slow).status).toBe(200);
    expect(await backend.has(login.id)).toBe(false);
    const replay = await http.get('/probe/whoami').set('Cookie', login.pair).expect(200);
    expect(replay.body.userId).toBeNull();
  });

  it('starts fresh for forged, unsigned and never-issued ids, storing nothing under them', async () => {
    const unknownId = generateSessionId();
    const forgedCookies = [
      `sid=${unknownId}`, // unsigned
      `sid=${signSessionId(unknownId, 'not-our-secret-not-our-secret')}`, // wrong key
      `sid=${encodeURIComponent(signSessionId(unknownId, SECRET))}`, // well signed, never issued
      `sid=${encodeURIComponent('../../etc/passwd.abc')}`,
      `sid=${'x'.repeat(8000)}`,
    ];
    for (const cookie of forgedCookies) {
      const me = await http.get('/probe/whoami').set('Cookie', cookie).expect(200);
      expect(me.body.id).toBeNull();
      const res = await http.post('/probe/remember').set('Cookie', cookie).send({ value: 'v' }).expect(200);
      const issued = sessionCookie(res)!;
      expect(issued.id).not.toBe(unknownId);
      expect(await backend.has(unknownId)).toBe(false);
    }
  });

  it('ends every other session of the user when the password changes', async () => {
    const a = sessionCookie(await http.post('/probe/login').send({ userId: 'u-multi' }).expect(200))!;
    const b = sessionCookie(await http.post('/probe/login').send({ userId: 'u-multi' }).expect(200))!;
    const mine = await http.get('/probe/mine').set('Cookie', a.pair).expect(200);
    expect(mine.body.map((s: { id: string }) => s.id).sort()).toEqual([a.id, b.id].sort());
    expect(mine.body.find((s: { current: boolean }) => s.current).id).toBe(a.id);

    await http.post('/probe/password-changed').set('Cookie', a.pair).expect(200);
    expect((await http.get('/probe/whoami').set('Cookie', b.pair)).body.userId).toBeNull();
    expect((await http.get('/probe/whoami').set('Cookie', a.pair)).body.userId).toBe('u-multi');
  });

  it('shows a flash message once, on the next page, escaped', async () => {
    const cookie = await newSession();
    const post = await http.post('/probe/flash').set('Cookie', cookie.pair).expect(303);
    expect(post.headers.location).toBe('/');
    const page = await http.get('/').set('Cookie', cookie.pair).expect(200);
    expect(page.text).toContain('Saved &lt;b&gt;safely&lt;/b&gt;');
    const again = await http.get('/').set('Cookie', cookie.pair).expect(200);
    expect(again.text).not.toContain('data-testid="flash"');
  });

  it('keeps health checks and /api away from the session store', async () => {
    const cookie = await newSession();
    const before = await backend.count();
    await http.get('/health/live').set('Cookie', cookie.pair).expect(200);
    const api = await http.get('/api/nope').set('Cookie', cookie.pair).expect(404);
    expect(api.headers['set-cookie']).toBeUndefined();
    expect(await backend.count()).toBe(before);
  });

  it('accepts cookies signed with a rotated-out secret and re-signs them with the new one', async () => {
    const cookie = await newSession('rotated');
    const rotatedEnv = { ...env, SESSION_SECRET: `brand-new-secret-0123456789,${SECRET}` };
    const rotated = await startSessionApp({ env: rotatedEnv });
    try {
      const me = await request(rotated.getHttpServer()).get('/probe/whoami').set('Cookie', cookie.pair).expect(200);
      expect(me.body.value).toBe('rotated');
      const resigned = sessionCookie(me)!;
      expect(resigned.id).toBe(cookie.id);
      expect(resigned.pair).not.toBe(cookie.pair);
    } finally {
      await rotated.close();
    }
  });

  if (kind === 'file') {
    it('answers 503 when the session files cannot be read (disk error)', async () => {
      const cookie = await newSession();
      const record = join(env.SESSION_DIR!, 's', cookie.id, 'record.json');
      await rm(record);
      await mkdir(record); // reading it now fails with EISDIR
      const res = await http.get('/probe/whoami').set('Cookie', cookie.pair).set('Accept', 'application/json');
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('service_unavailable');
    });
  }
});
