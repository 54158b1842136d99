import { randomUUID } from 'node:crypto';
import { FormClient } from './support/form-client.js';
import { PASSWORD, useAdminPanel } from './support/admin-suite.js';

/**
 * The admin panel's user pages over HTTP, against PostgreSQL and sessions in Redis: who may open
 * it, search and paging (and their bad input), and the changes an admin makes, checked in the
 * database and by what the affected user's own browser sees next. Failed jobs: admin-jobs.e2e-spec.ts.
 */
describe('admin panel', () => {
  const t = useAdminPanel('admin');
  const { ids, signIn, rolesOf, activeOf } = t;
  describe('who may open it', () => {
    it('sends a signed-out browser to sign in, and back to the panel after', async () => {
      const res = await t.http.get('/admin/users').set('Accept', 'text/html');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login?next=%2Fadmin%2Fusers');
    });

    it('answers 403 to a signed-in user without the admin role, for pages and for changes, and changes nothing', async () => {
      const bob = await signIn('bob@example.org');
      expect((await bob.get('/admin/users')).status).toBe(403);
      expect((await bob.get(`/admin/users/${ids.carol}`)).status).toBe(403);
      await bob.get('/account'); // a form token of bob's own session
      expect((await bob.post(`/admin/users/${ids.carol}/active`, { active: 'false' })).status).toBe(403);
      expect((await bob.post(`/admin/users/${ids.bob}/roles`, { roles: 'admin' })).status).toBe(403);
      expect(await activeOf(ids.carol)).toBe(true);
      expect(await rolesOf(ids.bob)).toEqual(['user']);
      expect((await bob.get('/account')).text).not.toContain('href="/admin/users"');
    });
  });

  describe('finding users', () => {
    let admin: FormClient;
    beforeAll(async () => {
      admin = await signIn('admin@example.org');
    });

    it('lists every user, newest first, 25 to a page, and links the panel in the navigation', async () => {
      const total = Number((await t.sql.query<{ n: string }>('SELECT count(*) AS n FROM users')).rows[0].n); // ours and the seeded admin
      expect(total).toBeGreaterThan(25);
      const first = await admin.get('/admin/users');
      expect(first.status).toBe(200);
      expect(first.text).toContain('href="/admin/users" data-testid="nav-admin"');
      expect(first.text).toContain(`data-testid="user-total">${total} users`);
      expect(first.text.match(/data-testid="user-row"/g)).toHaveLength(25);
      expect(first.text.indexOf('member26@example.org')).toBeLessThan(first.text.indexOf('member25@example.org'));
      expect(first.text).toContain('Page 1 of 2');
      const second = await admin.get('/admin/users?page=2');
      expect(second.text.match(/data-testid="user-row"/g)).toHaveLength(total - 25);
      expect(second.text).toContain('admin@example.org');
      const past = await admin.get('/admin/users?page=9');
      expect(past.status).toBe(200);
      expect(past.text).toContain('No user matches.');
      expect(past.text).toContain(`data-testid="user-total">${total} users`);
    });

    it('searches emails and names case-insensitively, taking % and _ literally', async () => {
      const byName = await admin.get('/admin/users?q=BOB');
      expect(byName.text.match(/data-testid="user-row"/g)).toHaveLength(1);
      expect(byName.text).toContain('bob@example.org');
      const percent = await admin.get(`/admin/users?q=${encodeURIComponent('100%')}`);
      expect(percent.text.match(/data-testid="user-row"/g)).toHaveLength(1);
      expect(percent.text).toContain('carol_100%@example.org');
      const underscore = await admin.get('/admin/users?q=l_1');
      expect(underscore.text.match(/data-testid="user-row"/g)).toHaveLength(1);
      const wildcardOnly = await admin.get('/admin/users?q=b_b');
      expect(wildcardOnly.text).toContain('No user matches.');
    });

    it('shows what was searched for as text, never as markup', async () => {
      const res = await admin.get(`/admin/users?q=${encodeURIComponent('<script>alert(1)</script>')}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });

    it.each([
      ['a page that is not a number', '/admin/users?page=two', 'page'],
      ['page 0', '/admin/users?page=0', 'page'],
      ['the search given twice', '/admin/users?q=a&q=b', 'q'],
      ['a search longer than an address', `/admin/users?q=${'x'.repeat(255)}`, 'q'],
      ['an unknown parameter', '/admin/users?sort=email', 'sort'],
    ])('answers 400 to %s, naming the field', async (_label, path, field) => {
      const res = await t.http.get(path).set('Cookie', admin.cookie!).set('Accept', 'application/json');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(Object.keys(res.body.fields)).toEqual([field]);
    });

    it('answers 404 for a user id that is malformed or unknown', async () => {
      expect((await admin.get('/admin/users/not-a-uuid')).status).toBe(404);
      expect((await admin.get(`/admin/users/${randomUUID()}`)).status).toBe(404);
      await admin.get(`/admin/users/${ids.bob}`);
      expect((await admin.post(`/admin/users/${randomUUID()}/active`, { active: 'false' })).status).toBe(404);
      expect((await admin.post(`/admin/users/${randomUUID()}/roles`, { roles: 'user' })).status).toBe(404);
      expect((await admin.post(`/admin/users/${randomUUID()}/sessions/revoke`)).status).toBe(404);
      expect((await admin.post('/admin/users/not-a-uuid/sessions/revoke')).status).toBe(404);
    });
  });

  describe('changing users', () => {
    let admin: FormClient;
    beforeAll(async () => {
      admin = await signIn('admin@example.org');
    });

    it('disables a user: their open sessions end at once, sign-in is refused; enabling lets them back', async () => {
      const bob = await signIn('bob@example.org');
      const page = await admin.get(`/admin/users/${ids.bob}`);
      expect(page.text).toMatch(/data-testid="session-count">[1-9]/);
      const res = await admin.post(`/admin/users/${ids.bob}/active`, { active: 'false' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/admin/users/${ids.bob}`);
      expect(await activeOf(ids.bob)).toBe(false);
      const after = await admin.get(`/admin/users/${ids.bob}`);
      expect(after.text).toContain('The account is disabled and signed out everywhere.');
      expect(after.text).toMatch(/data-testid="user-status">disabled/);
      expect(after.text).toMatch(/data-testid="session-count">0/);
      expect((await bob.get('/account')).status).toBe(303); // back to the sign-in page

      const retry = new FormClient(t.http);
      await retry.get('/login');
      expect((await retry.post('/login', { email: 'bob@example.org', password: PASSWORD })).status).toBe(401);

      await admin.get(`/admin/users/${ids.bob}`);
      expect((await admin.post(`/admin/users/${ids.bob}/active`, { active: 'true' })).status).toBe(303);
      expect(await activeOf(ids.bob)).toBe(true);
      await signIn('bob@example.org');
    });

    it('sets roles exactly as ticked, effective on the user’s next request', async () => {
      const bob = await signIn('bob@example.org');
      expect((await bob.get('/account/api-keys')).status).toBe(403);
      await admin.get(`/admin/users/${ids.bob}`);
      const res = await admin.post(`/admin/users/${ids.bob}/roles`, { roles: 'dev' });
      expect(res.status).toBe(303);
      expect(await rolesOf(ids.bob)).toEqual(['dev']);
      expect((await bob.get('/account/api-keys')).status).toBe(200);

      await admin.get(`/admin/users/${ids.bob}`);
      const body = new URLSearchParams([
        ['roles', 'user'],
        ['roles', 'dev'],
        ['_csrf', admin.csrf!],
      ]).toString();
      const both = await t.http
        .post(`/admin/users/${ids.bob}/roles`)
        .type('form')
        .set('Accept', 'text/html')
        .set('Cookie', admin.cookie!)
        .send(body);
      expect(both.status).toBe(303);
      expect(await rolesOf(ids.bob)).toEqual(['dev', 'user']);

      await admin.get(`/admin/users/${ids.bob}`);
      expect((await admin.post(`/admin/users/${ids.bob}/roles`, {})).status).toBe(303); // nothing ticked
      expect(await rolesOf(ids.bob)).toEqual([]);
      expect((await bob.get('/account/api-keys')).status).toBe(403);
    });

    it('refuses an unknown role with a 409 and changes nothing', async () => {
      await admin.get(`/admin/users/${ids.carol}`);
      const res = await admin.post(`/admin/users/${ids.carol}/roles`, { roles: 'wizard' });
      expect(res.status).toBe(409);
      expect(res.text).toContain('No such role: wizard.');
      expect(await rolesOf(ids.carol)).toEqual(['user']);
    });

    it('will not let an admin disable themselves or drop their own admin role', async () => {
      const own = await admin.get(`/admin/users/${ids.admin}`);
      expect(own.text).not.toContain('data-testid="disable-user"');
      const disable = await admin.post(`/admin/users/${ids.admin}/active`, { active: 'false' });
      expect(disable.status).toBe(409);
      expect(disable.text).toContain('You cannot disable your own account.');
      await admin.get(`/admin/users/${ids.admin}`);
      const demote = await admin.post(`/admin/users/${ids.admin}/roles`, { roles: 'user' });
      expect(demote.status).toBe(409);
      expect(demote.text).toContain('You cannot remove your own admin role.');
      expect(await activeOf(ids.admin)).toBe(true);
      expect(await rolesOf(ids.admin)).toEqual(['admin']);
    });

    it('signs a user out everywhere: every browser of theirs is anonymous next time', async () => {
      const phone = await signIn('carol_100%@example.org');
      const laptop = await signIn('carol_100%@example.org');
      await admin.get(`/admin/users/${ids.carol}`);
      const res = await admin.post(`/admin/users/${ids.carol}/sessions/revoke`);
      expect(res.status).toBe(303);
      expect((await admin.get(`/admin/users/${ids.carol}`)).text).toContain('2 sessions signed out.');
      expect((await phone.get('/account')).status).toBe(303);
      expect((await laptop.get('/account')).status).toBe(303);
    });

    it('refuses a change without the form token (403) or with a malformed value (400), and changes nothing', async () => {
      await admin.get(`/admin/users/${ids.carol}`);
      expect((await admin.post(`/admin/users/${ids.carol}/active`, { active: 'false' }, { csrf: null })).status).toBe(403);
      expect((await admin.post(`/admin/users/${ids.carol}/active`, { active: 'maybe' })).status).toBe(400);
      expect(await activeOf(ids.carol)).toBe(true);
    });
  });
});
