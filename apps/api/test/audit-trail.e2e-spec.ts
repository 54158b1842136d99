import { OneTimeTokensService } from '@app/auth';
import { AppConfig } from '@app/config';
import { JobQueue, workerConnection } from '@app/queue';
import { Worker } from 'bullmq';
import { FormClient } from './support/form-client.js';
import { PASSWORD, useAdminPanel } from './support/admin-suite.js';
import { auditRows, member } from './support/audit-rows.js';
import { enrol, nextCode, passwordStep, signOut, totpCode } from './support/second-factor.js';

/**
 * The audit trail over HTTP, against PostgreSQL and sessions in Redis: every security event and
 * admin action leaves its row, with who, what, on what, the IP and the request id (the one the
 * response carried in X-Request-Id). The page and the failure cases: audit-trail-admin.e2e-spec.ts.
 */
describe('audit trail: what writes a row', () => {
  const t = useAdminPanel('audit_events');
  const { ids, signIn } = t;

  async function signedIn(email: string, password = PASSWORD): Promise<FormClient> {
    const browser = new FormClient(t.http);
    await browser.get('/login');
    expect((await browser.post('/login', { email, password })).status).toBe(303);
    return browser;
  }

  it('sign-in on the form: success and failure, with the IP and the request id', async () => {
    const id = await member(t, 'sign-in@example.org');
    const browser = new FormClient(t.http);
    await browser.get('/login');
    const ok = await browser.post('/login', { email: 'sign-in@example.org', password: PASSWORD });
    expect(ok.status).toBe(303);
    const [row] = await auditRows(t, 'auth.sign-in', id);
    expect(row).toMatchObject({
      actor_id: id,
      actor_email: 'sign-in@example.org',
      target_type: 'user',
      target_label: 'sign-in@example.org',
    });
    expect(row.request_id).toBe(ok.headers['x-request-id']);
    expect(row.ip).toMatch(/127\.0\.0\.1|::1/);
    // The same statement sets the account's last sign-in time, to the row's own time.
    const lastLogin = await t.sql.query<{ last_login_at: Date }>(`SELECT last_login_at FROM users WHERE id = $1`, [id]);
    expect(lastLogin.rows[0].last_login_at).toEqual(row.occurred_at);

    const anonymous = new FormClient(t.http);
    await anonymous.get('/login');
    expect((await anonymous.post('/login', { email: 'Sign-In@example.org', password: 'wrong password here' })).status).toBe(401);
    expect((await anonymous.post('/login', { email: 'ghost@example.org', password: 'wrong password here' })).status).toBe(401);
    const failed = await auditRows(t, 'auth.sign-in-failed');
    expect(failed.map((r) => [r.actor_id, r.actor_email, r.target_id])).toEqual([
      [null, 'Sign-In@example.org', id],
      [null, 'ghost@example.org', null],
    ]);
    expect(JSON.stringify(failed)).not.toContain('wrong password here');
  });

  it('POST /api/credentials: sign-in success and failure, and the API key it creates', async () => {
    const id = await member(t, 'api-dev@example.org', ['dev']);
    const made = await t.http.post('/api/credentials').send({ email: 'api-dev@example.org', password: PASSWORD, label: 'ci' });
    expect(made.status).toBe(201);
    expect(await auditRows(t, 'auth.sign-in', id)).toHaveLength(1);
    const [key] = await auditRows(t, 'api-key.created', made.body.id as string);
    expect(key).toMatchObject({ actor_id: id, target_type: 'api-key', target_label: 'ci', details: { roles: ['dev'] } });
    expect(JSON.stringify(key)).not.toContain((made.body.token as string).split('.')[1]);
    expect(
      (await t.http.post('/api/credentials').send({ email: 'api-dev@example.org', password: 'not it at all', label: 'x' })).status,
    ).toBe(401);
    expect((await auditRows(t, 'auth.sign-in-failed', id)).map((r) => r.actor_email)).toEqual(['api-dev@example.org']);
  });

  it('sign-in with a second factor: recorded at the code (a wrong one as a failure), not at the password', async () => {
    const id = await member(t, 'two-step@example.org');
    const browser = await signedIn('two-step@example.org');
    const { secret } = await enrol(browser);
    await signOut(browser);
    expect(await auditRows(t, 'auth.sign-in', id)).toHaveLength(1); // before the second factor was on
    const again = new FormClient(t.http);
    await passwordStep(again, 'two-step@example.org', PASSWORD);
    expect(await auditRows(t, 'auth.sign-in', id)).toHaveLength(1);
    expect((await again.post('/login/code', { code: totpCode(secret, -600_000) })).status).toBe(422);
    expect((await again.post('/login/code', { code: nextCode(secret) })).status).toBe(303);
    const twoStep = { actor_id: id, target_id: id, details: { secondFactor: true } };
    expect(await auditRows(t, 'auth.sign-in-failed', id)).toEqual([expect.objectContaining(twoStep)]);
    expect((await auditRows(t, 'auth.sign-in', id))[1]).toMatchObject(twoStep);
  });

  it('sign-out', async () => {
    const id = await member(t, 'sign-out@example.org');
    const browser = await signedIn('sign-out@example.org');
    await browser.get('/account');
    expect((await browser.post('/logout')).status).toBe(303);
    expect(await auditRows(t, 'auth.sign-out', id)).toEqual([expect.objectContaining({ actor_id: id, target_id: id })]);
  });

  it('password change: the change, and the other sessions it ends', async () => {
    const id = await member(t, 'change@example.org');
    await signedIn('change@example.org');
    const browser = await signedIn('change@example.org');
    await browser.get('/account/password');
    const res = await browser.post('/account/password', { currentPassword: PASSWORD, newPassword: 'a new long passphrase' });
    expect(res.status).toBe(303);
    expect(await auditRows(t, 'account.password-changed', id)).toEqual([expect.objectContaining({ actor_id: id })]);
    const [ended] = await auditRows(t, 'sessions.revoked', id);
    expect(ended).toMatchObject({ actor_id: id, details: { scope: 'others', count: 1 } });
  });

  it('password reset from a mailed link: the reset (by the owner, signed out) and every session ended', async () => {
    const id = await member(t, 'reset@example.org');
    await signedIn('reset@example.org');
    const token = await t.app.get(OneTimeTokensService).issue(id, 'reset-password', 'reset@example.org', 3_600_000);
    const browser = new FormClient(t.http);
    await browser.get(`/reset-password?token=${token}`);
    expect((await browser.post('/reset-password', { token, password: 'a brand new passphrase' })).status).toBe(200);
    expect(await auditRows(t, 'account.password-reset', id)).toEqual([expect.objectContaining({ actor_id: id, ip: expect.any(String) })]);
    expect((await auditRows(t, 'sessions.revoked', id))[0]).toMatchObject({ actor_id: id, details: { scope: 'all', count: 1 } });
    expect(JSON.stringify(await t.sql.query(`SELECT * FROM audit_events`))).not.toContain(token);
  });

  it('email change, when the link mailed to the new address is used', async () => {
    const id = await member(t, 'old-address@example.org');
    const token = await t.app.get(OneTimeTokensService).issue(id, 'confirm-email', 'new-address@example.org', 3_600_000);
    const browser = new FormClient(t.http);
    await browser.get(`/confirm-email?token=${token}`);
    expect((await browser.post('/confirm-email', { token })).status).toBe(200);
    const [row] = await auditRows(t, 'account.email-changed', id);
    expect(row).toMatchObject({
      actor_id: id,
      target_label: 'new-address@example.org',
      details: { previousEmail: 'old-address@example.org' },
    });
  });

  it('API key created and revoked on the account pages', async () => {
    const id = await member(t, 'keys@example.org', ['dev']);
    const browser = await signedIn('keys@example.org');
    await browser.get('/account/api-keys');
    expect((await browser.post('/account/api-keys', { label: 'laptop', password: PASSWORD })).status).toBe(201);
    const keyId = (await t.sql.query<{ id: string }>(`SELECT id FROM api_keys WHERE user_id = $1`, [id])).rows[0].id;
    const [created] = await auditRows(t, 'api-key.created', keyId);
    expect(created).toMatchObject({ actor_id: id, target_id: keyId, target_label: 'laptop' });
    expect((await browser.post(`/account/api-keys/${keyId}/delete`)).status).toBe(303);
    expect(await auditRows(t, 'api-key.revoked', keyId)).toEqual([expect.objectContaining({ actor_id: id })]);
  });

  it('sessions revoked by their owner: one, then all the others (with the API keys)', async () => {
    const id = await member(t, 'sessions@example.org');
    await signedIn('sessions@example.org');
    await signedIn('sessions@example.org');
    const browser = await signedIn('sessions@example.org');
    const page = await browser.get('/account/sessions');
    const handle = /action="\/account\/sessions\/([^/"]+)\/revoke"/.exec(page.text)![1];
    expect((await browser.post(`/account/sessions/${handle}/revoke`)).status).toBe(303);
    await browser.get('/account/sessions');
    expect((await browser.post('/account/sessions/revoke-others', { password: PASSWORD })).status).toBe(303);
    const rows = await auditRows(t, 'sessions.revoked', id);
    expect(rows.map((r) => [r.actor_id, r.details])).toEqual([
      [id, { scope: 'one', count: 1 }],
      [id, { scope: 'others', count: 1 }],
    ]);
  });

  it('admin actions: roles changed, disabled (and signed out), enabled, sessions ended, job retried', async () => {
    const admin = await signIn('admin@example.org');
    await signedIn('carol_100%@example.org');
    await admin.get(`/admin/users/${ids.carol}`);
    expect((await admin.post(`/admin/users/${ids.carol}/roles`, { roles: 'dev' })).status).toBe(303);
    expect((await admin.post(`/admin/users/${ids.carol}/active`, { active: 'false' })).status).toBe(303);
    expect((await admin.post(`/admin/users/${ids.carol}/active`, { active: 'true' })).status).toBe(303);
    await signedIn('carol_100%@example.org');
    expect((await admin.post(`/admin/users/${ids.carol}/sessions/revoke`)).status).toBe(303);
    const byAdmin = { actor_id: ids.admin, actor_email: 'admin@example.org', target_id: ids.carol, target_label: 'carol_100%@example.org' };
    expect(await auditRows(t, 'user.roles-changed', ids.carol)).toEqual([
      expect.objectContaining({ ...byAdmin, details: { roles: ['dev'] } }),
    ]);
    expect(await auditRows(t, 'user.disabled', ids.carol)).toEqual([expect.objectContaining(byAdmin)]);
    expect(await auditRows(t, 'user.enabled', ids.carol)).toEqual([expect.objectContaining(byAdmin)]);
    expect((await auditRows(t, 'sessions.revoked', ids.carol)).map((r) => [r.actor_id, r.details])).toEqual([
      [ids.admin, { scope: 'all', count: 1 }],
      [ids.admin, { scope: 'all', count: 1 }],
    ]);

    const config = t.app.get(AppConfig);
    const failing = new Worker('system', () => Promise.reject(new Error('stand-in failure')), {
      connection: workerConnection(config, null),
      prefix: config.queue.prefix,
    });
    const failed = new Promise<void>((resolve) => failing.once('failed', () => resolve()));
    const jobId = (await t.app.get(JobQueue).queue('system').add('system.ping', { sentAt: Date.now() }, { attempts: 1 })).id!;
    await failed;
    await failing.close();
    await admin.get('/admin/jobs');
    expect((await admin.post(`/admin/jobs/${jobId}/retry`)).status).toBe(303);
    expect(await auditRows(t, 'job.retried', jobId)).toEqual([expect.objectContaining({ actor_id: ids.admin, target_type: 'job' })]);
    await t.app.get(JobQueue).queue('system').remove(jobId);
  });

  it('keeps the rows of a deleted user, under the address they had', async () => {
    const id = await member(t, 'leaving@example.org');
    await signedIn('leaving@example.org');
    await t.sql.query(`DELETE FROM users WHERE id = $1`, [id]);
    expect(await auditRows(t, 'auth.sign-in', id)).toEqual([
      expect.objectContaining({ actor_id: null, actor_email: 'leaving@example.org' }),
    ]);
  });
});
