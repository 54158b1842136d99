import { PASSWORD, SESSION_STORES, useAccountsStack } from './support/accounts-suite.js';

/**
 * What the account pages refuse or ignore: forged state changes, open redirects, a forged Host in
 * mailed links, and pages or keys beyond a member's roles. Once with sessions in Redis, once in files.
 */
describe.each(SESSION_STORES)('accounts: security (%s sessions)', (store) => {
  const t = useAccountsStack(store);

  it('refuses state changes without the session CSRF token, with another session token, or from another origin', async () => {
    const { email, b } = await t.member('csrf');
    const intruder = t.browser();
    await intruder.get('/login');
    await b.get('/account/profile');

    for (const attempt of [
      () => b.post('/account/profile', { firstName: 'Mallory', lastName: '' }, { csrf: null }),
      () => b.post('/account/profile', { firstName: 'Mallory', lastName: '' }, { csrf: intruder.csrf }),
    ]) {
      const res = await attempt();
      expect(res.status).toBe(403);
    }
    const crossSite = await t.stack.http
      .post('/account/profile')
      .set('Cookie', b.cookie!)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send(`_csrf=${b.csrf}&firstName=Mallory&lastName=`);
    expect(crossSite.status).toBe(403);
    const fetchMeta = await t.stack.http
      .post('/logout')
      .set('Cookie', b.cookie!)
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send(`_csrf=${b.csrf}`);
    expect(fetchMeta.status).toBe(403);
    // Nothing changed, and the session is still alive.
    const profile = await b.get('/account/profile');
    expect(profile.status).toBe(200);
    expect(profile.text).not.toContain('Mallory');
    // Login is a state change too.
    const login = await t.browser().post('/login', { email, password: PASSWORD }, { csrf: null });
    expect(login.status).toBe(403);
  });

  it('sends open redirects home and keeps same-site next paths', async () => {
    const { email } = await t.member('next');
    for (const next of ['//evil.example', 'https://evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      const res = await t.signIn(t.browser(), email, PASSWORD, next);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/account');
    }
    const kept = await t.signIn(t.browser(), email, PASSWORD, '/account/sessions?tab=1');
    expect(kept.headers.location).toBe('/account/sessions?tab=1');
    const guarded = await t.browser().get('/account/password');
    expect(guarded.status).toBe(303);
    expect(guarded.headers.location).toBe('/login?next=%2Faccount%2Fpassword');
  });

  it('builds mailed links from APP_BASE_URL, whatever Host header the request carries', async () => {
    const { email } = await t.member('host');
    const b = t.browser();
    await b.get('/forgot-password');
    const res = await t.stack.http
      .post('/forgot-password')
      .set('Host', 'evil.example')
      .set('X-Forwarded-Host', 'evil.example')
      .set('Cookie', b.cookie!)
      .type('form')
      .send(new URLSearchParams({ email, _csrf: b.csrf! }).toString());
    expect(res.status).toBe(200);
    const mail = await t.stack.mailTo(email, 2);
    expect(mail.parsed.text).toContain('http://localhost:3000/reset-password?token=');
    expect(mail.parsed.text + String(mail.parsed.html)).not.toContain('evil.example');
  });

  it('shows in the navigation only what the roles allow; the seeded admin passes every role check', async () => {
    const { b } = await t.member('nav');
    const plain = await b.get('/account');
    expect(plain.text).not.toContain('href="/account/api-keys"');
    const admin = t.browser();
    expect((await t.signIn(admin, 'root@starter.test', 'root-password-for-tests')).status).toBe(303);
    const home = await admin.get('/account');
    expect(home.text).toContain('href="/account/api-keys"');
    expect(home.text).toContain('data-testid="role">admin<');
    expect((await admin.get('/account/api-keys')).status).toBe(200);
  });

  it('gives a member without the role a 403 page, and an unknown key a 401', async () => {
    const { b } = await t.member('roles');
    const page = await b.get('/account/api-keys');
    expect(page.status).toBe(403);
    expect(page.text).toContain('Access denied');
    const api = await t.stack.http.get('/api/keys').set('Authorization', 'Bearer 00000000-0000-0000-0000-000000000000.' + 'A'.repeat(43));
    expect(api.status).toBe(401);
    expect((await t.stack.http.get('/api/me').set('Authorization', 'Bearer garbage')).status).toBe(401);
  });
});
