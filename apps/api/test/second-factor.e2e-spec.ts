import { SessionService } from '@app/session';
import { DataSource } from 'typeorm';
import { PASSWORD, SESSION_STORES, useAccountsStack } from './support/accounts-suite.js';
import { enrol, nextCode, passwordStep, recoveryCodesIn, signOut, totpCode } from './support/second-factor.js';

/**
 * Two-step sign-in (TOTP, RFC 6238) over HTTP, with sessions in Redis and in files: enrolment,
 * the code step of a sign-in, replay, recovery codes, throttling, turning it off. The state left
 * behind is read from PostgreSQL and the session store.
 */
describe.each(SESSION_STORES)('second factor (%s sessions)', (store) => {
  const t = useAccountsStack(store);

  const row = async (userId: string) =>
    (
      (await t.stack.api
        .get(DataSource)
        .query(
          `SELECT totp_secret, totp_enabled_at, (SELECT count(*)::int FROM recovery_codes WHERE user_id = u.id) AS codes FROM users u WHERE id = $1`,
          [userId],
        )) as { totp_secret: string | null; totp_enabled_at: Date | null; codes: number }[]
    )[0];

  it('enrols with a QR code and the key as text, refuses a wrong code, and turns on with the right one', async () => {
    const { email, b } = await t.member('enrol');
    const userId = await t.userIdOf(email);
    const page = await b.get('/account/two-factor');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.text).toMatch(/<div class="qr-code[^"]*" data-testid="totp-qr"><svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(page.text).not.toMatch(/<script>|style="/); // nothing the CSP would refuse
    const secret = /data-testid="totp-secret">([A-Z2-7]{32})</.exec(page.text)![1];
    // The pending secret is kept, sealed, on the row: a second view shows the same key and writes nothing.
    const pending = await row(userId);
    expect(pending.totp_secret).toMatch(/^v1\./);
    expect(pending.totp_secret).not.toContain(secret);
    expect((await b.get('/account/two-factor')).text).toContain(secret);
    expect((await row(userId)).totp_secret).toBe(pending.totp_secret);

    const wrong = await b.post('/account/two-factor/confirm', { code: totpCode(secret, -300_000) });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('That code is not right');
    expect((await row(userId)).totp_enabled_at).toBeNull();

    const confirmed = await b.post('/account/two-factor/confirm', { code: totpCode(secret) });
    expect(confirmed.status).toBe(200);
    expect(new Set(recoveryCodesIn(confirmed.text)).size).toBe(10);
    expect(await row(userId)).toMatchObject({ totp_enabled_at: expect.any(Date), codes: 10 });
    const audited = (await t.stack.api
      .get(DataSource)
      .query(`SELECT actor_id, details FROM audit_events WHERE action = 'account.second-factor-enabled' AND target_id = $1`, [userId])) as unknown[];
    expect(audited).toEqual([{ actor_id: userId, details: {} }]);
    const after = await b.get('/account/two-factor');
    expect(after.text).toContain('data-testid="recovery-codes-left">10<');
    expect(after.text).not.toContain(secret);
  });

  it('signs in only after the code: the password alone stores no session; the code signs in under a new id', async () => {
    const { email, b } = await t.member('signin');
    const userId = await t.userIdOf(email);
    const { secret } = await enrol(b);
    await signOut(b);

    const lastLogin = async () =>
      ((await t.stack.api.get(DataSource).query(`SELECT last_login_at FROM users WHERE id = $1`, [userId])) as { last_login_at: Date | null }[])[0]
        .last_login_at;
    const loginBefore = await lastLogin();
    await b.get('/login');
    const before = b.cookie;
    const password = await b.post('/login?next=/account/sessions', { email, password: PASSWORD });
    expect([password.status, password.headers.location]).toEqual([303, '/login/code?next=%2Faccount%2Fsessions']);
    expect(b.cookie).toBe(before); // the anonymous binding still, no session id
    expect([...b.others.keys()]).toEqual(['sid-2fa']);
    expect(String(password.headers['set-cookie'])).toMatch(/sid-2fa=[^;]+; Max-Age=300; Path=\/; HttpOnly; SameSite=Strict/);
    expect(await t.stack.api.get(SessionService).listForUser(userId)).toEqual([]);
    expect(await lastLogin()).toEqual(loginBefore); // the password step is not a sign-in: the time stays
    const account = await b.get('/account');
    expect([account.status, account.headers.location]).toEqual([303, '/login?next=%2Faccount']);

    const form = await b.get('/login/code?next=%2Faccount%2Fsessions');
    expect(form.status).toBe(200);
    expect(form.headers['cache-control']).toContain('no-store');
    const signedIn = await b.post('/login/code?next=%2Faccount%2Fsessions', { code: nextCode(secret) });
    expect([signedIn.status, signedIn.headers.location]).toEqual([303, '/account/sessions']);
    expect(b.cookie).toBeDefined();
    expect(b.cookie).not.toBe(before);
    expect(b.others.size).toBe(0); // the pending cookie is cleared
    const sessions = await t.stack.api.get(SessionService).listForUser(userId);
    expect(sessions).toHaveLength(1);
    expect(b.cookie).toContain(sessions[0].id);
    expect((await b.get('/account')).status).toBe(200);
    expect(loginBefore).not.toBeNull(); // the member signed in once before enrolling
    expect((await lastLogin())!.getTime()).toBeGreaterThan(loginBefore!.getTime());
  });

  it('accepts a code once: the same code on the next sign-in is refused; a recovery code works once', async () => {
    const { email, b } = await t.member('replay');
    const { secret, codes } = await enrol(b);
    await signOut(b);
    const code = nextCode(secret);
    await passwordStep(b, email, PASSWORD);
    expect((await b.post('/login/code', { code })).status).toBe(303);
    await signOut(b);

    await passwordStep(b, email, PASSWORD);
    const replayed = await b.post('/login/code', { code });
    expect(replayed.status).toBe(422);
    expect(replayed.text).toContain('used already');
    expect((await b.get('/account')).status).toBe(303);

    const recovery = await b.post('/login/code', { code: codes[3].toUpperCase() });
    expect(recovery.status).toBe(303);
    expect((await b.get('/account/two-factor')).text).toContain('data-testid="recovery-codes-left">9<');
    await signOut(b);
    await passwordStep(b, email, PASSWORD);
    expect((await b.post('/login/code', { code: codes[3] })).status).toBe(422);
  });

  it('accepts one code once even when two browsers send it at the same moment', async () => {
    const { email, b } = await t.member('race');
    const { secret } = await enrol(b);
    await signOut(b);
    const other = t.browser();
    await passwordStep(b, email, PASSWORD);
    await passwordStep(other, email, PASSWORD);
    const code = nextCode(secret);
    const answers = await Promise.all([b.post('/login/code', { code }), other.post('/login/code', { code })]);
    expect(answers.map((r) => r.status).sort()).toEqual([303, 422]);
  });

  it('throttles wrong codes, also in parallel: the right code is refused too until the window ends', async () => {
    const { email, b } = await t.member('throttle');
    const { secret } = await enrol(b);
    await signOut(b);
    await passwordStep(b, email, PASSWORD);
    const wrong = totpCode(secret, -600_000);
    const answers = await Promise.all(Array.from({ length: 12 }, () => b.post('/login/code', { code: wrong })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 422)).toHaveLength(5); // AUTH_MAX_FAILURES_PER_ACCOUNT: reserved before checking
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    const right = await b.post('/login/code', { code: nextCode(secret) });
    expect(right.status).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect((await b.get('/account')).status).toBe(303);
  });

  it('new recovery codes need the password and replace the old ones', async () => {
    const { email, b } = await t.member('regen');
    const userId = await t.userIdOf(email);
    const { codes: old } = await enrol(b);
    await b.get('/account/two-factor');
    expect((await b.post('/account/two-factor/recovery-codes', { password: 'not my password' })).status).toBe(422);
    const fresh = await b.post('/account/two-factor/recovery-codes', { password: PASSWORD });
    expect(fresh.status).toBe(200);
    const codes = recoveryCodesIn(fresh.text);
    expect(codes).toHaveLength(10);
    expect(codes.filter((c) => old.includes(c))).toEqual([]);
    expect((await row(userId)).codes).toBe(10);

    await signOut(b);
    await passwordStep(b, email, PASSWORD);
    expect((await b.post('/login/code', { code: old[0] })).status).toBe(422);
    expect((await b.post('/login/code', { code: codes[0] })).status).toBe(303);
  });

  it('turning it off needs the password and a code; then the password alone signs in', async () => {
    const { email, b } = await t.member('disable');
    const userId = await t.userIdOf(email);
    const { secret } = await enrol(b);
    await b.get('/account/two-factor');
    expect((await b.post('/account/two-factor/disable', { password: PASSWORD })).status).toBe(422);
    expect((await b.post('/account/two-factor/disable', { password: 'wrong password', code: nextCode(secret) })).status).toBe(422);
    expect((await b.post('/account/two-factor/disable', { password: PASSWORD, code: '000000' })).status).toBe(422);
    expect((await row(userId)).totp_enabled_at).not.toBeNull();

    const off = await b.post('/account/two-factor/disable', { password: PASSWORD, code: nextCode(secret) });
    expect([off.status, off.headers.location]).toEqual([303, '/account/two-factor']);
    expect(await row(userId)).toEqual({ totp_secret: null, totp_enabled_at: null, codes: 0 });
    const audited = (await t.stack.api
      .get(DataSource)
      .query(`SELECT actor_id FROM audit_events WHERE action = 'account.second-factor-disabled' AND target_id = $1`, [userId])) as unknown[];
    expect(audited).toEqual([{ actor_id: userId }]);
    await signOut(b);
    const signedIn = await t.signIn(b, email, PASSWORD);
    expect([signedIn.status, signedIn.headers.location]).toEqual([303, '/account']);
  });
});
