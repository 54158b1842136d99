import { FormClient } from './support/form-client.js';
import { PASSWORD, useAdminPanel } from './support/admin-suite.js';
import { auditRows, member } from './support/audit-rows.js';

/**
 * The audit trail's admin page (filters, paging, bad input, who may read it) and what happens
 * when the audit write fails: the action answers 503 and, where it is a change in PostgreSQL,
 * is undone with it. The rows each action writes: audit-trail.e2e-spec.ts.
 */
describe('audit trail: the admin page and a failing write', () => {
  const t = useAdminPanel('audit_admin');
  const { ids, signIn } = t;
  let admin: FormClient;

  /** A row at a chosen time, as the table would hold it. */
  async function event(action: string, at: string, actor: { id: string | null; email: string }) {
    await t.sql.query(
      `INSERT INTO audit_events (occurred_at, actor_id, actor_email, action, target_type, target_id, target_label)
       VALUES ($1, $2::uuid, $3, $4, 'user', $2::text, $3)`,
      [at, actor.id, actor.email, action],
    );
  }
  const rowsOf = (html: string) => html.match(/data-testid="audit-row"/g)?.length ?? 0;

  beforeAll(async () => {
    admin = await signIn('admin@example.org');
    await event('user.disabled', '2025-01-10T12:00:00Z', { id: ids.bob, email: 'bob@example.org' });
    await event('user.enabled', '2025-06-15T08:30:00Z', { id: ids.bob, email: 'bob@example.org' });
    await event('user.disabled', '2025-06-20T09:00:00Z', { id: ids.carol, email: 'carol_100%@example.org' });
    // A deleted user's rows: no id left, found by the address they had.
    await event('auth.sign-in', '2025-03-01T00:00:00Z', { id: null, email: 'gone@example.org' });
  });

  it('lists events newest first, in the shared layout, with its nav tab', async () => {
    const page = await admin.get('/admin/audit');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.text).toContain('data-testid="admin-tab-audit"');
    expect(page.text.indexOf('2025-06-20 09:00:00')).toBeLessThan(page.text.indexOf('2025-01-10 12:00:00'));
    // Signing the admin in was itself recorded.
    expect(page.text).toContain('auth.sign-in');
  });

  it('filters by user (address, case-insensitive, or id), by action and by time range', async () => {
    const byEmail = await admin.get('/admin/audit?user=BOB%40example.org');
    expect(rowsOf(byEmail.text)).toBe(2);
    expect(byEmail.text).toContain('value="BOB@example.org"');
    expect(rowsOf((await admin.get(`/admin/audit?user=${ids.carol}`)).text)).toBe(1);
    expect(rowsOf((await admin.get('/admin/audit?user=gone%40example.org')).text)).toBe(1);
    expect(rowsOf((await admin.get('/admin/audit?action=user.disabled')).text)).toBe(2);
    expect(rowsOf((await admin.get(`/admin/audit?action=user.disabled&user=${ids.bob}`)).text)).toBe(1);
    const june = await admin.get('/admin/audit?from=2025-06-01T00%3A00&to=2025-06-20T08%3A59');
    expect(rowsOf(june.text)).toBe(1);
    expect(june.text).toContain('user.enabled');
    // A date-only bound covers the whole day; the empty fields of the form are no filter.
    expect(rowsOf((await admin.get('/admin/audit?user=&action=&from=2025-06-20&to=2025-06-20')).text)).toBe(1);
    expect((await admin.get('/admin/audit?user=nobody%40example.org')).text).toContain('No event matches.');
  });

  it('pages by 50, the links keeping the filters', async () => {
    for (let i = 0; i < 55; i++) {
      await event('mail.resent', `2024-01-01T00:${String(i).padStart(2, '0')}:00Z`, { id: ids.admin, email: 'admin@example.org' });
    }
    const first = await admin.get('/admin/audit?action=mail.resent');
    expect(rowsOf(first.text)).toBe(50);
    const next = /href="([^"]+)" data-testid="audit-next"/.exec(first.text)![1].replace(/&amp;/g, '&');
    expect(next).toContain('action=mail.resent');
    const second = await admin.get(next);
    expect(rowsOf(second.text)).toBe(5);
    expect(second.text).toContain('2024-01-01 00:00:00');
  });

  it.each([
    ['action=nope', 'action'],
    ['user=not%20an%20address', 'user'],
    ['from=yesterday', 'from'],
    ['to=2025-02-30', 'to'],
    ['from=2025-06-02&to=2025-06-01', 'to'],
    ['page=0', 'page'],
    ['page=x', 'page'],
    ['sort=desc', 'sort'],
  ])('answers 400 naming the field to ?%s', async (query, field) => {
    const html = await admin.get(`/admin/audit?${query}`);
    expect(html.status).toBe(400);
    expect(html.text).toContain(`<strong>${field}</strong>`);
    const json = await t.http.get(`/admin/audit?${query}`).set('Cookie', admin.cookie!).set('Accept', 'application/json');
    expect(json.status).toBe(400);
    expect(Object.keys((json.body as { fields: object }).fields)).toEqual([field]);
  });

  it('answers 403 to a signed-in user without the admin role', async () => {
    const bob = await signIn('bob@example.org');
    expect((await bob.get('/admin/audit')).status).toBe(403);
    expect((await bob.get('/admin/audit?user=admin%40example.org')).status).toBe(403);
  });

  describe('when the audit write fails (a trigger refuses every insert)', () => {
    let victim: string;
    let victimBrowser: FormClient;

    beforeAll(async () => {
      victim = await member(t, 'victim@example.org', ['dev']);
      victimBrowser = await signIn('victim@example.org');
      await t.sql.query(
        `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`,
      );
      await t.sql.query(`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit()`);
    });

    afterAll(async () => {
      await t.sql.query(`DROP TRIGGER refuse_audit ON audit_events`);
      await t.sql.query(`DROP FUNCTION refuse_audit()`);
    });

    it('an admin changing roles or disabling gets a 503, and nothing changed', async () => {
      await admin.get(`/admin/users/${victim}`);
      expect((await admin.post(`/admin/users/${victim}/roles`, { roles: 'admin' })).status).toBe(503);
      expect(await t.rolesOf(victim)).toEqual(['dev']);
      expect((await admin.post(`/admin/users/${victim}/active`, { active: 'false' })).status).toBe(503);
      expect(await t.activeOf(victim)).toBe(true);
    });

    it('signing in answers 503 (no session is issued), and so does creating an API key (no key is stored)', async () => {
      const browser = new FormClient(t.http);
      await browser.get('/login');
      const anonymous = browser.cookie;
      const res = await browser.post('/login', { email: 'victim@example.org', password: PASSWORD });
      expect(res.status).toBe(503);
      expect(browser.cookie).toBe(anonymous);
      expect((await browser.get('/account')).status).toBe(303);
      const api = await t.http.post('/api/credentials').send({ email: 'victim@example.org', password: PASSWORD, label: 'x' });
      expect(api.status).toBe(503);
      expect(api.body).toMatchObject({ code: 'service_unavailable' });
      expect((await auditRows(t, 'auth.sign-in', victim)).length).toBe(1); // the one before the trigger
    });

    it('a member creating an API key or changing their password gets a 503, and neither is stored', async () => {
      const hashBefore = (await t.sql.query(`SELECT password_hash FROM users WHERE id = $1`, [victim])).rows[0];
      await victimBrowser.get('/account/api-keys');
      expect((await victimBrowser.post('/account/api-keys', { label: 'laptop', password: PASSWORD })).status).toBe(503);
      expect((await t.sql.query(`SELECT 1 FROM api_keys WHERE user_id = $1`, [victim])).rowCount).toBe(0);
      await victimBrowser.get('/account/password');
      const change = await victimBrowser.post('/account/password', { currentPassword: PASSWORD, newPassword: 'another long passphrase' });
      expect(change.status).toBe(503);
      expect((await t.sql.query(`SELECT password_hash FROM users WHERE id = $1`, [victim])).rows[0]).toEqual(hashBefore);
    });
  });
});
