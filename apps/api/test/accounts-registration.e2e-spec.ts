import { JobQueue } from '@app/queue';
import { SessionStore } from '@app/session';
import { waitFor } from '@app/testing';
import pg from 'pg';
// Until `@app/testing` exports it (libs/testing/src/index.ts), by relative path.
import { jobCompleted } from '@app/testing';
import { linkPath } from './support/accounts-harness.js';
import { PASSWORD, SESSION_STORES, useAccountsStack } from './support/accounts-suite.js';

/**
 * Registration, confirmation, sign-in and sign-out over HTTP, with the mail really sent through the
 * queue, the worker and SMTP, once with sessions in Redis and once in files.
 */
describe.each(SESSION_STORES)('accounts: registration (%s sessions)', (store) => {
  const t = useAccountsStack(store);

  it('register → mail → confirm → login → profile → change password → logout', async () => {
    const email = t.address('flow');
    const b = t.browser();
    await b.get('/register');
    const registered = await b.post('/register', { email, password: PASSWORD, firstName: 'Ada', lastName: 'Lovelace' });
    expect(registered.status).toBe(200);
    expect(registered.text).toContain('Check your inbox');

    // Not confirmed yet: the right password gets a clear refusal, no session.
    const early = await t.signIn(t.browser(), email, PASSWORD);
    expect(early.status).toBe(403);
    expect(early.text).toContain('confirm your email address');

    const mail = await t.stack.mailTo(email);
    expect(mail.parsed.subject).toMatch(/confirm/i);
    expect(mail.parsed.html).toContain('/confirm-email?token=');
    const link = linkPath(mail, '/confirm-email');
    const token = new URLSearchParams(link.split('?')[1]).get('token')!;
    const page = await b.get(link);
    expect(page.status).toBe(200);
    expect((await b.post('/confirm-email', { token })).text).toContain('Address confirmed');
    expect((await b.post('/confirm-email', { token })).status).toBe(400); // single use

    const anonymousCookie = b.cookie;
    const login = await t.signIn(b, email, PASSWORD);
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/account');
    expect(b.cookie).toBeDefined();
    expect(b.cookie).not.toBe(anonymousCookie); // a new id at sign-in

    const home = await b.get('/account');
    expect(home.status).toBe(200);
    expect(home.text).toContain('data-testid="member-home"');
    expect(home.headers['cache-control']).toBe('no-store');

    await b.get('/account/profile');
    expect((await b.post('/account/profile', { firstName: 'Augusta', lastName: 'King' })).status).toBe(303);
    const profile = await b.get('/account/profile');
    expect(profile.text).toContain('value="Augusta"');
    expect(profile.text).toContain('Your profile is saved.');

    const other = t.browser();
    await t.signIn(other, email, PASSWORD);
    expect((await other.get('/account')).status).toBe(200);

    await b.get('/account/password');
    const wrong = await b.post('/account/password', { currentPassword: 'not it at all', newPassword: 'another long passphrase' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('data-testid="error-currentPassword"');
    const changed = await b.post('/account/password', { currentPassword: PASSWORD, newPassword: 'another long passphrase' });
    expect(changed.status).toBe(303);
    expect((await b.get('/account')).status).toBe(200); // this browser stays signed in
    const kicked = await other.get('/account'); // the other one is out on its very next request
    expect(kicked.status).toBe(303);
    expect(kicked.headers.location).toBe('/login?next=%2Faccount');
    expect((await t.stack.mailTo(email, 2)).parsed.subject).toMatch(/password/i);

    const before = b.cookie!;
    await b.get('/account');
    const out = await b.post('/logout');
    expect(out.status).toBe(303);
    expect(out.headers['clear-site-data']).toBe('"cache", "cookies", "storage"');
    const replay = await t.stack.http.get('/account').set('Cookie', before).set('Accept', 'text/html');
    expect(replay.status).toBe(303); // the old cookie is anonymous now
    const sessionId = decodeURIComponent(before.split('=')[1]).split('.')[0];
    expect(await t.stack.api.get(SessionStore).get(sessionId)).toBeNull();
  });

  it('answers register, login and forgot-password the same way for known and unknown addresses', async () => {
    const { email } = await t.member('enum');
    const unknown = t.address('nobody');
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '').replace(/<code>[^<]*<\/code>/g, '');

    const [knownReg, unknownReg] = [await t.register(email), await t.register(unknown)];
    expect(knownReg.status).toBe(unknownReg.status);
    expect(strip(knownReg.text)).toBe(strip(unknownReg.text));
    expect((await t.stack.mailTo(email, 2)).parsed.subject).toMatch(/already/i); // the owner is told, nobody else

    const [knownLogin, unknownLogin] = [
      await t.signIn(t.browser(), email, 'wrong password!!'),
      await t.signIn(t.browser(), unknown, 'wrong password!!'),
    ];
    expect(knownLogin.status).toBe(401);
    expect(unknownLogin.status).toBe(401);
    expect(strip(knownLogin.text).replace(email, 'X')).toBe(strip(unknownLogin.text).replace(unknown, 'X'));

    const forgot = async (e: string) => {
      const c = t.browser();
      await c.get('/forgot-password');
      return c.post('/forgot-password', { email: e });
    };
    const [knownForgot, unknownForgot] = [await forgot(email), await forgot(t.address('nobody-else'))];
    expect(knownForgot.status).toBe(unknownForgot.status);
    expect(strip(knownForgot.text)).toBe(strip(unknownForgot.text));
  });

  it('refuses a 100-byte password that differs only in its last bytes, and common or short passwords', async () => {
    const long = 'p'.repeat(96) + 'tail';
    const { email } = await t.member('long', long);
    expect((await t.signIn(t.browser(), email, 'p'.repeat(96) + 'tale')).status).toBe(401);
    expect((await t.signIn(t.browser(), email, 'p'.repeat(96))).status).toBe(401);
    expect((await t.signIn(t.browser(), email, long)).status).toBe(303);

    for (const [password, message] of [
      ['short', 'at least 8'],
      ['qwertyuiop', 'commonly used'],
      ['x'.repeat(129), 'at most 128'],
    ]) {
      const res = await t.register(t.address('weak'), password);
      expect(res.status).toBe(422);
      expect(res.text).toContain(message);
    }
    const unicode = await t.register(t.address('unicode'), 'ünïcødé 密码 пароль');
    expect(unicode.status).toBe(200);
  });

  it('changes the email only after the password and a confirmation from the new address', async () => {
    const { email, b } = await t.member('move');
    const target = t.address('moved');
    await b.get('/account/profile');
    const wrong = await b.post('/account/email', { email: target, password: 'not my password' });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('data-testid="error-password"');
    await b.get('/account/profile');
    expect((await b.post('/account/email', { email: target, password: PASSWORD })).status).toBe(303);
    expect((await b.get('/account')).text).toContain(email); // unchanged until confirmed

    const link = linkPath(await t.stack.mailTo(target), '/confirm-email');
    const c = t.browser();
    await c.get(link);
    expect((await c.post('/confirm-email', { token: new URLSearchParams(link.split('?')[1]).get('token')! })).status).toBe(200);
    expect((await t.signIn(t.browser(), email, PASSWORD)).status).toBe(401);
    expect((await t.signIn(t.browser(), target, PASSWORD)).status).toBe(303);

    // Moving to an address someone else owns looks the same, and tells that owner instead.
    const { email: owner } = await t.member('owner');
    await b.get('/account/profile');
    const taken = await b.post('/account/email', { email: owner, password: PASSWORD });
    expect(taken.status).toBe(303);
    expect((await t.stack.mailTo(owner, 2)).parsed.subject).toMatch(/already/i);
  });

  it('purges spent tokens in the scheduled worker job, and the purged link no longer works', async () => {
    const email = t.address('purge');
    await t.register(email);
    const link = linkPath(await t.stack.mailTo(email), '/confirm-email');
    const client = new pg.Client({ connectionString: t.stack.db.url });
    await client.connect();
    try {
      const userId = await t.userIdOf(email);
      await client.query(`UPDATE one_time_tokens SET expires_at = now() - interval '2 days' WHERE user_id = $1`, [userId]);
      const jobs = t.stack.worker.get(JobQueue);
      const id = await jobs.enqueue('accounts.purge-tokens', {});
      await waitFor(() => jobCompleted(jobs.queue('maintenance'), id), 15_000);
      const left = await client.query(`SELECT count(*)::int AS n FROM one_time_tokens WHERE user_id = $1`, [userId]);
      expect(left.rows[0].n).toBe(0);
    } finally {
      await client.end();
    }
    const b = t.browser();
    await b.get(link);
    expect((await b.post('/confirm-email', { token: new URLSearchParams(link.split('?')[1]).get('token')! })).status).toBe(400);
  });
});
