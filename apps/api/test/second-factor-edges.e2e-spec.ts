import { randomUUID } from 'node:crypto';
import { RolesRepository, signPendingLogin } from '@app/auth';
import { DataSource } from 'typeorm';
import { PASSWORD, SESSION_STORES, useAccountsStack } from './support/accounts-suite.js';
import { FormClient } from './support/form-client.js';
import { enrol, nextCode, passwordStep, signOut, totpCode } from './support/second-factor.js';

/**
 * Two-step sign-in at its edges, on both session stores: bad input and bad pending-login cookies
 * (a clear 4xx, never a 500), the account moving on between the two steps, an admin's reset, and
 * API keys, which a second factor leaves alone.
 */
describe.each(SESSION_STORES)('second factor edges (%s sessions)', (store) => {
  const t = useAccountsStack(store);
  const sql = (query: string, params: unknown[]) => t.stack.api.get(DataSource).query(query, params);
  const totpOn = async (userId: string) =>
    ((await sql(`SELECT totp_enabled_at FROM users WHERE id = $1`, [userId])) as { totp_enabled_at: Date | null }[])[0].totp_enabled_at !== null;

  /** A member with the second factor on, signed out, and a browser at the code step. */
  async function atCodeStep(label: string) {
    const { email, b } = await t.member(label);
    const { secret, codes } = await enrol(b);
    await signOut(b);
    await passwordStep(b, email, PASSWORD);
    return { email, b, secret, codes, userId: await t.userIdOf(email) };
  }

  it('answers bad codes with 422 and counts none of them; the right code still signs in', async () => {
    const { b, secret } = await atCodeStep('badcode');
    for (const code of ['', '12345', '1234567', 'abcdef', '1'.repeat(5000), '１２３４５６']) {
      const res = await b.post('/login/code', { code });
      expect([code.slice(0, 10), res.status]).toEqual([code.slice(0, 10), 422]);
    }
    expect((await b.post('/login/code', {})).status).toBe(422);
    const twice = await t.stack.http
      .post('/login/code')
      .type('form')
      .set('Cookie', b.cookieHeader()!)
      .send(`code=123456&code=654321&_csrf=${encodeURIComponent(b.csrf!)}`);
    expect(twice.status).toBe(422);
    expect((await b.post('/login/code', { code: nextCode(secret) })).status).toBe(303);
  });

  it('refuses a missing, forged, expired or another browser’s pending sign-in with 400 (GET: back to the login form)', async () => {
    const fresh = t.browser();
    await fresh.get('/login');
    const none = await fresh.get('/login/code?next=/account/profile');
    expect([none.status, none.headers.location]).toEqual([303, '/login?next=%2Faccount%2Fprofile']);
    expect((await fresh.post('/login/code', { code: '123456' })).status).toBe(400);

    const { b, secret, userId } = await atCodeStep('forged');
    const pending = b.others.get('sid-2fa')!;
    const [, epoch, expires, mac] = pending.slice('sid-2fa='.length).split('.');
    const secrets = t.stack.env.SESSION_SECRET!.split(',');
    for (const value of [
      'garbage',
      `${randomUUID()}.${epoch}.${expires}.${mac}`, // another user, same MAC
      signPendingLogin({ userId, authEpoch: Number(epoch), expiresAt: Date.now() - 1000 }, b.csrf!, secrets[0]), // expired
      signPendingLogin({ userId, authEpoch: Number(epoch), expiresAt: Date.now() + 60_000 }, 'another browser', secrets[0]),
      `${userId}.${epoch}.${expires}.${mac}`.repeat(10),
    ]) {
      b.others.set('sid-2fa', `sid-2fa=${value}`);
      const res = await b.post('/login/code', { code: nextCode(secret) });
      expect([value.slice(0, 50), res.status]).toEqual([value.slice(0, 50), 400]);
      expect(res.text).toContain('This sign-in has expired');
    }

    // The genuine cookie in another browser: bound to the first browser's form token, so refused.
    const thief = t.browser();
    await thief.get('/login');
    thief.others.set('sid-2fa', pending);
    expect((await thief.post('/login/code', { code: nextCode(secret) })).status).toBe(400);
    expect((await thief.get('/account')).status).toBe(303);

    b.others.set('sid-2fa', pending);
    expect((await b.post('/login/code', { code: nextCode(secret) })).status).toBe(303);
  });

  it('a password change (auth epoch) between the two steps ends the pending sign-in', async () => {
    const { b, secret, userId } = await atCodeStep('epoch');
    await sql(`UPDATE users SET auth_epoch = auth_epoch + 1 WHERE id = $1`, [userId]);
    const res = await b.post('/login/code', { code: nextCode(secret) });
    expect(res.status).toBe(400);
    expect(b.others.has('sid-2fa')).toBe(false); // cleared
    expect((await b.get('/account')).status).toBe(303);
  });

  it('enrolment refuses malformed codes with 422', async () => {
    const { b } = await t.member('enrolbad');
    await b.get('/account/two-factor');
    for (const code of ['', 'abcdef', '1'.repeat(300)]) {
      expect((await b.post('/account/two-factor/confirm', { code })).status).toBe(422);
    }
    expect((await b.post('/account/two-factor/confirm', {})).status).toBe(422);
  });

  it('an admin resets a member’s second factor (CSRF, admin only, 404 for unknown users)', async () => {
    const { b, userId } = await atCodeStep('reset');
    const admin = t.browser();
    expect((await t.signIn(admin, 'root@starter.test', 'root-password-for-tests')).status).toBe(303);

    // A member (even with their own valid session and token) may not.
    const other = await t.member('notadmin');
    await other.b.get('/account');
    expect((await other.b.post(`/admin/users/${userId}/second-factor/reset`)).status).toBe(403);
    await admin.get(`/admin/users/${userId}`);
    expect((await admin.post(`/admin/users/${userId}/second-factor/reset`, {}, { csrf: null })).status).toBe(403);
    expect(await totpOn(userId)).toBe(true);

    const page = await admin.get(`/admin/users/${userId}`);
    expect(page.text).toContain('data-testid="reset-second-factor"');
    const reset = await admin.post(`/admin/users/${userId}/second-factor/reset`);
    expect([reset.status, reset.headers.location]).toEqual([303, `/admin/users/${userId}`]);
    expect(await totpOn(userId)).toBe(false);
    const [audited] = (await sql(`SELECT actor_email, details FROM audit_events WHERE action = 'account.second-factor-disabled' AND target_id = $1`, [
      userId,
    ])) as { actor_email: string; details: unknown }[];
    expect(audited).toEqual({ actor_email: 'root@starter.test', details: { resetByAdmin: true } });
    expect((await admin.get(`/admin/users/${userId}`)).text).toContain('Two-step sign-in is reset');
    expect((await admin.post(`/admin/users/${randomUUID()}/second-factor/reset`)).status).toBe(404);
    await admin.get('/account');
    expect((await admin.post(`/admin/users/not-a-uuid/second-factor/reset`)).status).toBe(404);

    // The member's pending sign-in ended with it; the password alone signs in now.
    expect((await b.post('/login/code', { code: '123456' })).status).toBe(400);
    const signedIn = await t.signIn(new FormClient(t.stack.http), (await sql(`SELECT email FROM users WHERE id = $1`, [userId]))[0].email, PASSWORD);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/account');
  });

  it('API keys keep working; POST /api/credentials asks a 2FA account for a code', async () => {
    const { email, b } = await t.member('apikeys');
    await t.stack.api.get(RolesRepository).addRoles(await t.userIdOf(email), ['dev']);
    const before = await t.stack.http.post('/api/credentials').send({ email, password: PASSWORD, label: 'before' }).expect(201);
    await b.get('/account'); // roles changed: the session rotates on its next request
    const { secret, codes } = await enrol(b);
    await t.stack.http.get('/api/me').set('Authorization', `Bearer ${before.body.token}`).expect(200);

    const without = await t.stack.http.post('/api/credentials').send({ email, password: PASSWORD });
    expect([without.status, without.body.code]).toEqual([401, 'second_factor_required']);
    const wrong = await t.stack.http.post('/api/credentials').send({ email, password: PASSWORD, code: totpCode(secret, -600_000) });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'invalid_second_factor']);
    expect((await t.stack.http.post('/api/credentials').send({ email, password: PASSWORD, code: 123456 })).status).toBe(400);
    expect((await t.stack.http.post('/api/credentials').send({ email, password: PASSWORD, code: 'x'.repeat(100) })).status).toBe(400);
    // A wrong password with a right code is the same 401 as ever (the code is not even looked at).
    expect((await t.stack.http.post('/api/credentials').send({ email, password: 'wrong password', code: nextCode(secret) })).status).toBe(401);

    const issued = await t.stack.http.post('/api/credentials').send({ email, password: PASSWORD, code: nextCode(secret) }).expect(201);
    await t.stack.http.get('/api/me').set('Authorization', `Bearer ${issued.body.token}`).expect(200);
    await t.stack.http.post('/api/credentials').send({ email, password: PASSWORD, code: codes[0] }).expect(201);
  });
});
