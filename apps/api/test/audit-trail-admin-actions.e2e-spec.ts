import { JobQueue } from '@app/queue';
import type { FormClient } from './support/form-client.js';
import { useAdminPanel } from './support/admin-suite.js';
import { auditRows, member } from './support/audit-rows.js';

/**
 * The rest of the admin panel's actions in the audit trail: users from creation to deletion,
 * the queue dashboard and the mail outbox, each with the admin as actor (checked in the table).
 * A delete and its row share a transaction: a refused audit insert leaves the user in place.
 */
describe('audit trail: admin actions on users, queues and mail', () => {
  const t = useAdminPanel('audit_admin_actions');
  const { ids, signIn } = t;
  let admin: FormClient;
  const byAdmin = () => ({ actor_id: ids.admin, actor_email: 'admin@example.org' });
  const idFrom = (location: string) => /\/admin\/users\/([0-9a-f-]{36})/.exec(location)![1];

  beforeAll(async () => {
    admin = await signIn('admin@example.org');
  });

  it('create, edit, resend the invitation, force a password reset, delete', async () => {
    await admin.get('/admin/users/new');
    const created = await admin.post('/admin/users', { email: 'invited@example.org', firstName: 'In', lastName: 'Vited', roles: 'user' });
    expect(created.status).toBe(303);
    const id = idFrom(created.headers.location as string);
    expect(await auditRows(t, 'user.created', id)).toEqual([
      expect.objectContaining({ ...byAdmin(), target_label: 'invited@example.org' }),
    ]);

    await admin.get(`/admin/users/${id}/edit`);
    expect(
      (await admin.post(`/admin/users/${id}/edit`, { firstName: 'Ina', lastName: 'Vited', email: 'invited@example.org' })).status,
    ).toBe(303);
    expect(await auditRows(t, 'user.updated', id)).toEqual([expect.objectContaining({ ...byAdmin(), details: { outcome: 'saved' } })]);

    await admin.get(`/admin/users/${id}`);
    expect((await admin.post(`/admin/users/${id}/confirmation`)).status).toBe(303);
    expect(await auditRows(t, 'user.confirmation-resent', id)).toEqual([
      expect.objectContaining({ ...byAdmin(), details: { mail: 'invitation' } }),
    ]);

    const bobId = ids.bob;
    await admin.get(`/admin/users/${bobId}`);
    expect((await admin.post(`/admin/users/${bobId}/password-reset`)).status).toBe(303);
    expect(await auditRows(t, 'user.password-reset-forced', bobId)).toEqual([expect.objectContaining(byAdmin())]);

    await admin.get(`/admin/users/${id}/delete`);
    expect((await admin.post(`/admin/users/${id}/delete`)).status).toBe(303);
    expect(await auditRows(t, 'user.deleted', id)).toEqual([
      expect.objectContaining({ ...byAdmin(), target_label: 'invited@example.org' }),
    ]);
  });

  it('a delete whose audit row cannot be written answers 503 and deletes nobody', async () => {
    const id = await member(t, 'stays@example.org');
    await t.sql.query(
      `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$`,
    );
    await t.sql.query(`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_audit()`);
    try {
      await admin.get(`/admin/users/${id}/delete`);
      expect((await admin.post(`/admin/users/${id}/delete`)).status).toBe(503);
    } finally {
      await t.sql.query(`DROP TRIGGER refuse_audit ON audit_events`);
      await t.sql.query(`DROP FUNCTION refuse_audit()`);
    }
    expect((await t.sql.query(`SELECT 1 FROM users WHERE id = $1`, [id])).rowCount).toBe(1);
  });

  it('queue dashboard: pause, resume, promote and remove a job', async () => {
    const queue = t.app.get(JobQueue).queue('system');
    const delayed = (await queue.add('system.ping', { sentAt: Date.now() }, { delay: 3_600_000 })).id!;
    await admin.get('/admin/queues/system');
    expect((await admin.post('/admin/queues/system/pause')).status).toBe(303);
    expect((await admin.post('/admin/queues/system/resume')).status).toBe(303);
    expect((await admin.post(`/admin/queues/system/jobs/${delayed}/promote`)).status).toBe(303);
    expect((await admin.post(`/admin/queues/system/jobs/${delayed}/remove`)).status).toBe(303);
    expect(await auditRows(t, 'queue.paused', 'system')).toEqual([expect.objectContaining({ ...byAdmin(), target_type: 'queue' })]);
    expect(await auditRows(t, 'queue.resumed', 'system')).toHaveLength(1);
    expect(await auditRows(t, 'job.promoted', delayed)).toEqual([expect.objectContaining({ ...byAdmin(), details: { queue: 'system' } })]);
    expect(await auditRows(t, 'job.removed', delayed)).toHaveLength(1);
  });

  it('mail outbox: resending a failed mail', async () => {
    const { rows } = await t.sql.query<{ id: string }>(
      `INSERT INTO mail_outbox (recipient, template, data, status, attempts, last_error)
       VALUES ('someone@example.org', 'account-exists', '{"firstName":"S"}', 'failed', 5, 'refused') RETURNING id`,
    );
    await admin.get(`/admin/mail/outbox/${rows[0].id}`);
    expect((await admin.post(`/admin/mail/outbox/${rows[0].id}/resend`)).status).toBe(303);
    expect(await auditRows(t, 'mail.resent', rows[0].id)).toEqual([expect.objectContaining({ ...byAdmin(), target_type: 'mail' })]);
  });
});
