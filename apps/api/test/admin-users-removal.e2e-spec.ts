import { AccountAdminService, ApiKeysService, OneTimeTokensService } from '@app/auth';
import { DataSource } from 'typeorm';
import { linkPath } from './support/accounts-harness.js';
import { PASSWORD, SESSION_STORES, useAccountsStack } from './support/accounts-suite.js';
import { lifecycleHelpers, ROOT } from './support/admin-lifecycle.js';

const NEW_PASSWORD = 'a brand new and long passphrase';

/**
 * Admin panel: forcing a password reset and deleting users, over HTTP with the real worker, SMTP
 * sink, PostgreSQL and both session stores, checked in the database, in the session store and in
 * the affected user's own browser. Creating and editing: admin-users-lifecycle.e2e-spec.ts.
 */
describe.each(SESSION_STORES)('admin: force reset and delete (sessions in %s)', (store) => {
  const t = useAccountsStack(store);
  const h = lifecycleHelpers(t);
  const admin = () => h.signInAs(ROOT.email, ROOT.password);

  /** A signed-in member with a second browser signed in too, and an API key. */
  async function memberWithEverything(label: string) {
    const { email, b } = await t.member(label);
    const id = await t.userIdOf(email);
    const other = await h.signInAs(email, PASSWORD);
    await t.stack.api.get(ApiKeysService).create({ userId: id, roles: ['dev'] }, 'ci');
    expect(await h.sessionsOf(id)).toHaveLength(2);
    return { email, id, browsers: [b, other] };
  }

  const apiKeysOf = async (id: string) =>
    Number((await h.sql<{ n: string }>(`SELECT count(*) AS n FROM api_keys WHERE user_id = $1`, [id]))[0].n);

  it('forces a password reset: the password stops working, sessions and API keys end, and the mailed link sets a new one', async () => {
    const { email, id, browsers } = await memberWithEverything('forced');
    const a = await admin();
    await a.get(`/admin/users/${id}`);
    const res = await a.post(`/admin/users/${id}/password-reset`);
    expect(res.status).toBe(303);
    expect((await a.get(res.headers.location)).text).toContain('The password no longer works');
    expect((await h.userRow(id)).password_hash).toBeNull();
    expect(await apiKeysOf(id)).toBe(0);
    expect(await h.sessionsOf(id)).toEqual([]);
    for (const b of browsers) {
      const next = await b.get('/account');
      expect(next.status).toBe(303);
      expect(next.headers.location).toMatch(/^\/login/);
    }
    expect((await t.signIn(t.browser(), email, PASSWORD)).status).not.toBe(303);

    const mail = await t.stack.mailTo(email, 2); // the first was the confirmation
    expect(mail.parsed.subject).toBe('Reset your password');
    const link = linkPath(mail, '/reset-password');
    const owner = t.browser();
    await owner.get(link);
    expect((await owner.post('/reset-password', { token: h.tokenOf(link), password: NEW_PASSWORD })).status).toBe(200);
    expect((await t.signIn(owner, email, NEW_PASSWORD)).status).toBe(303);
  });

  it('deletes after a confirmation step naming the user: sessions, API keys and links go, their browser is signed out, nothing points at them', async () => {
    const { email, id, browsers } = await memberWithEverything('deleted');
    await t.stack.api.get(OneTimeTokensService).issue(id, 'reset-password', email, 3_600_000);
    const a = await admin();
    const confirm = await a.get(`/admin/users/${id}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain(`Delete ${email}?`);
    expect(confirm.text).toContain('<strong>Ada Lovelace</strong>');
    expect(confirm.text).toContain(`action="/admin/users/${id}/delete"`);
    expect((await a.post(`/admin/users/${id}/delete`, {}, { csrf: null })).status).toBe(403); // no form token
    expect(await h.userRow(id)).toBeDefined();

    const res = await a.post(`/admin/users/${id}/delete`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/users');
    expect((await a.get('/admin/users')).text).toContain(`The account of ${email} is deleted`);
    expect(await h.userRow(id)).toBeUndefined();
    expect(await h.sessionsOf(id)).toEqual([]);
    // Every foreign key to users, whatever other features added: no row is left pointing at the id.
    const references = await h.sql<{ table_name: string; column_name: string }>(
      `SELECT kcu.table_name, kcu.column_name
         FROM information_schema.referential_constraints rc
         JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = rc.constraint_name AND kcu.constraint_schema = rc.constraint_schema
         JOIN information_schema.key_column_usage pk ON pk.constraint_name = rc.unique_constraint_name AND pk.constraint_schema = rc.unique_constraint_schema
        WHERE pk.table_name = 'users'`,
    );
    expect(references.map((r) => r.table_name)).toEqual(expect.arrayContaining(['user_roles', 'api_keys', 'one_time_tokens']));
    for (const { table_name, column_name } of references) {
      const rows = await h.sql(`SELECT 1 FROM "${table_name}" WHERE "${column_name}" = $1`, [id]);
      expect({ table_name, rows: rows.length }).toEqual({ table_name, rows: 0 });
    }
    for (const b of browsers) {
      const next = await b.get('/account');
      expect(next.status).toBe(303);
      expect(next.headers.location).toMatch(/^\/login/);
    }
    expect((await t.signIn(t.browser(), email, PASSWORD)).status).not.toBe(303);
    expect((await a.get(`/admin/users/${id}/delete`)).status).toBe(404);
    expect((await a.post(`/admin/users/${id}/delete`)).status).toBe(404);
  });

  it('will not let an admin delete their own account (409, nothing changed)', async () => {
    const a = await admin();
    const rootId = await t.userIdOf(ROOT.email);
    const page = await a.get(`/admin/users/${rootId}/delete`);
    expect(page.text).toContain('This is your own account: you cannot delete it.');
    expect(page.text).not.toContain('data-testid="confirm-delete"');
    expect((await a.get(`/admin/users/${rootId}`)).text).not.toContain('data-testid="delete-user"');
    const res = await a.post(`/admin/users/${rootId}/delete`);
    expect(res.status).toBe(409);
    expect(res.text).toContain('You cannot delete your own account.');
    expect(await h.rolesOf(rootId)).toEqual(['admin']);
    expect((await a.get('/account')).status).toBe(200);
  });
});

/**
 * The last active admin. Over HTTP an admin deleting someone else always leaves themselves, so
 * the rule bites when two admins delete each other at once: the test holds the admins' row locks
 * until both requests wait on them, then lets go. Its own stack: the seeded admin loses the role.
 */
describe('admin: the last admin (sessions in redis)', () => {
  const t = useAccountsStack('redis');
  const h = lifecycleHelpers(t);

  it('lets only one of two admins deleting each other succeed; the other is refused with 409 and stays', async () => {
    const root = await h.signInAs(ROOT.email, ROOT.password);
    const pair = [];
    for (const label of ['ada', 'bea']) {
      const { email } = await t.member(label);
      const id = await t.userIdOf(email);
      await root.get(`/admin/users/${id}`);
      expect((await root.post(`/admin/users/${id}/roles`, { roles: 'admin' })).status).toBe(303);
      pair.push({ id, b: await h.signInAs(email, PASSWORD) });
    }
    const [ada, bea] = pair;
    const rootId = await t.userIdOf(ROOT.email);
    await ada.b.get(`/admin/users/${rootId}`);
    expect((await ada.b.post(`/admin/users/${rootId}/roles`, { roles: 'user' })).status).toBe(303);
    await ada.b.get(`/admin/users/${bea.id}/delete`);
    await bea.b.get(`/admin/users/${ada.id}/delete`);

    const lock = t.stack.api.get(DataSource).createQueryRunner();
    await lock.startTransaction();
    await lock.query(`SELECT id FROM users WHERE id = ANY($1::uuid[]) FOR UPDATE`, [[ada.id, bea.id]]);
    const both = Promise.all([ada.b.post(`/admin/users/${bea.id}/delete`), bea.b.post(`/admin/users/${ada.id}/delete`)]);
    const waiting = async () =>
      Number(
        (
          await h.sql<{ n: string }>(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE OF u%'`,
          )
        )[0].n,
      );
    for (let i = 0; i < 100 && (await waiting()) < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await waiting()).toBe(2);
    await lock.commitTransaction();
    await lock.release();
    const [toBea, toAda] = await both;

    expect([toBea.status, toAda.status].sort()).toEqual([303, 409]);
    const refused = toBea.status === 409 ? toBea : toAda;
    expect(refused.text).toContain('This is the last active admin');
    const survivors = [ada, bea].filter((x) => x === (toBea.status === 409 ? bea : ada));
    expect(survivors).toHaveLength(1);
    const [survivor] = survivors;
    expect(await h.rolesOf(survivor.id)).toEqual(['admin']);
    expect(await h.userRow(survivor.id === ada.id ? bea.id : ada.id)).toBeUndefined();

    // And the service itself, asked directly for the last one: refused, nothing changed.
    expect(await t.stack.api.get(AccountAdminService).deleteAccount(survivor.id)).toBe('last-admin');
    expect(await h.rolesOf(survivor.id)).toEqual(['admin']);
    expect((await survivor.b.get('/admin/users')).status).toBe(200);
  });
});
