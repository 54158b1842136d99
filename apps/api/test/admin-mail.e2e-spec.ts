import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { AppConfig, type QueueBackendKind } from '@app/config';
import { MAIL_TEMPLATE_NAMES, MailService, OutboxRepository } from '@app/mail';
import { JobQueue } from '@app/queue';
import { freePort, SmtpSink, testEnv, testRedisUrl } from '@app/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import { eventually, outboxRows, startWorker } from '../../worker/test/support/worker-harness.js';
import type { FormClient } from './support/form-client.js';
import { useAdminPanel } from './support/admin-suite.js';

jest.setTimeout(60000);

const LIVE_TOKEN = 'LIVE-reset-token-0123456789abcdef';

/**
 * The mail pages over HTTP with the real worker in this process, on both queue backends (resend
 * goes through the queue): the outbox with paging and filters, a failed mail sent again once the
 * SMTP server is back (checked in the table and in what the server received), live links never
 * on a page, every template previewed with its own CSP, bad input, CSRF and who may.
 */
describe.each<QueueBackendKind>(['redis', 'postgres'])('mail admin (queue on %s)', (backend) => {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  let smtpPort = 0;
  const env: Record<string, string> = { QUEUE_BACKEND: backend, REDIS_KEY_PREFIX: prefix, JOB_ATTEMPTS: '1', SMTP_TIMEOUT_MS: '2000' };
  let worker: INestApplicationContext | undefined;
  let sink: SmtpSink | undefined;
  let admin: FormClient;
  let kept: string; // failed, its job still in the queue
  let gone: string; // failed, its job removed

  // Before useAdminPanel's own beforeAll, which reads `env` when it runs.
  beforeAll(async () => {
    smtpPort = await freePort(); // nobody listens here yet: every mail fails until the sink starts
    env.SMTP_URL = `smtp://127.0.0.1:${smtpPort}`;
  });
  const t = useAdminPanel(`admin_mail_${backend}`, env);

  beforeAll(async () => {
    const config = t.app.get(AppConfig);
    worker = await startWorker(
      testEnv({ ...env, DATABASE_URL: config.database.url, REDIS_URL: testRedisUrl(), DATABASE_RUN_MIGRATIONS: 'false' }),
    );
    admin = await t.signIn('admin@example.org');
    const mail = t.app.get(MailService);
    const reset = (name: string) => ({ firstName: name, resetUrl: `${config.http.baseUrl}/reset-password?token=${LIVE_TOKEN}`, expiresInMinutes: 60 });
    kept = await mail.send('reset-password', 'bob@example.org', reset('Bob'));
    gone = await mail.send('reset-password', 'carol@example.org', reset('Carol'));
    await eventually(async () => ((await outboxRows(config.database.url, `status = 'failed'`)).length === 2 ? true : undefined));
    await t.app.get(JobQueue).queue('mail').remove(`mail-${gone}`);
    // 28 more, never sent (no job): the list gets a second page.
    const outbox = t.app.get(OutboxRepository);
    for (let i = 0; i < 28; i++) {
      await outbox.createQueued(`member${String(i).padStart(2, '0')}@example.org`, 'test', { requestedAt: '2026-11-29T00:00:00.000Z' });
    }
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await sink?.stop();
  });

  it('lists the outbox newest first, 25 to a page, filtered by status, with the failure reason', async () => {
    const page = await admin.get('/admin/mail');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="outbox-total">30 mails');
    expect(page.text.match(/data-testid="outbox-row"/g)).toHaveLength(25);
    expect(page.text).toContain('Page 1 of 2');
    expect(page.text.indexOf('member27@example.org')).toBeLessThan(page.text.indexOf('member26@example.org'));
    const second = await admin.get('/admin/mail?page=2');
    expect(second.text.match(/data-testid="outbox-row"/g)).toHaveLength(5);
    expect(second.text).toContain('bob@example.org');
    const failed = await admin.get('/admin/mail?status=failed');
    expect(failed.text.match(/data-testid="outbox-row"/g)).toHaveLength(2);
    expect(failed.text).toContain('Reset your password');
    expect(failed.text).toMatch(/ECONNREFUSED/);
    expect((await admin.get('/admin/mail?status=sent')).text).toContain('No mail.');
    expect((await admin.get('/admin/mail?status=queued')).text.match(/data-testid="outbox-row"/g)).toHaveLength(25);
  });

  it('never shows a live link: the stored copy is redacted, the variables are not shown', async () => {
    const [row] = await outboxRows(t.app.get(AppConfig).database.url, 'id = $1', [kept]);
    expect(row.text_body).toContain('token=REDACTED');
    expect(row.html_body).toContain('token=REDACTED');
    expect(`${row.text_body}${row.html_body}${row.subject}`).not.toContain(LIVE_TOKEN);
    for (const path of ['/admin/mail', '/admin/mail?status=failed', `/admin/mail/outbox/${kept}`]) {
      const page = await admin.get(path);
      expect(page.text).not.toContain(LIVE_TOKEN);
    }
    const detail = await admin.get(`/admin/mail/outbox/${kept}`);
    expect(detail.text).toContain('data-testid="mail-status">failed<');
    expect(detail.text).toContain('reset-password?token=REDACTED');
    // Its failed job in the queue dashboard: the payload names the row, and links to it.
    const job = await admin.get(`/admin/queues/mail/jobs/mail-${kept}`);
    expect(job.text).toContain('data-testid="job-state">failed<');
    expect(job.text).toContain(`href="/admin/mail/outbox/${kept}" data-testid="job-outbox-link"`);
    expect(job.text).not.toContain(LIVE_TOKEN);
  });

  it('sends failed mail again once the server is back: with its job retried, or queued anew if the job is gone', async () => {
    sink = await new SmtpSink().start(smtpPort);
    await admin.get(`/admin/mail/outbox/${kept}`);
    for (const id of [kept, gone]) {
      const res = await admin.post(`/admin/mail/outbox/${id}/resend`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/admin/mail/outbox/${id}`);
    }
    const received = await sink.waitFor(2);
    expect(received.map((m) => m.envelope.to[0]).sort()).toEqual(['bob@example.org', 'carol@example.org']);
    // Delivered with the live link; stored without it.
    expect(received[0].parsed.text).toContain(`token=${LIVE_TOKEN}`);
    const url = t.app.get(AppConfig).database.url;
    const rows = await eventually(async () => {
      const sent = await outboxRows(url, `id = ANY($1) AND status = 'sent'`, [[kept, gone]]);
      return sent.length === 2 ? sent : undefined;
    });
    expect(rows).toHaveLength(2);
    for (const row of rows ?? []) {
      expect(row).toMatchObject({ attempts: 2, last_error: null, transport: 'smtp' });
      expect(JSON.stringify(row)).not.toContain(LIVE_TOKEN);
    }
    const page = await admin.get(`/admin/mail/outbox/${kept}`);
    expect(page.text).toContain('data-testid="mail-status">sent<');
    expect(page.text).not.toContain(LIVE_TOKEN);
    expect(page.text).not.toContain('data-testid="resend-mail"');
  });

  it('does not send a mail that is not failed again', async () => {
    await admin.get(`/admin/mail/outbox/${kept}`);
    expect((await admin.post(`/admin/mail/outbox/${kept}/resend`)).status).toBe(303);
    expect((await admin.get(`/admin/mail/outbox/${kept}`)).text).toContain('Only a failed mail is sent again');
    const [row] = await outboxRows(t.app.get(AppConfig).database.url, 'id = $1', [kept]);
    expect(row).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('previews every template with sample data: HTML in a sandboxed frame beside the text', async () => {
    const index = await admin.get('/admin/mail/templates');
    expect(index.status).toBe(200);
    expect(index.text.match(/data-testid="template-link"/g)).toHaveLength(MAIL_TEMPLATE_NAMES.length);
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    for (const name of MAIL_TEMPLATE_NAMES) {
      const page = await admin.get(`/admin/mail/templates/${name}`);
      expect([name, page.status]).toEqual([name, 200]);
      expect(page.text).toContain(`<iframe sandbox src="/admin/mail/templates/${name}/html"`);
      expect(page.text).toMatch(/data-testid="preview-text">\S/);
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      const html = await t.http.get(`/admin/mail/templates/${name}/html`).set('Cookie', admin.cookie!);
      expect([name, html.status]).toEqual([name, 200]);
      expect(html.type).toBe('text/html');
      expect(html.text).toMatch(/^<!doctype html>/);
      const csp = html.headers['content-security-policy'];
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'self'");
      expect(csp).toMatch(/(^|; )sandbox(;|$)/);
      expect(csp).not.toContain('script-src');
      expect(html.headers['x-frame-options']).toBe('SAMEORIGIN');
    }
    const reset = await admin.get('/admin/mail/templates/reset-password');
    expect(reset.text).toContain('token=sample-reset-token'); // sample data, made up
  });

  it.each([
    ['an unknown status', '/admin/mail?status=lost', 'status'],
    ['a page that is not a number', '/admin/mail?page=two', 'page'],
    ['page 0', '/admin/mail?page=0', 'page'],
    ['an unknown parameter', '/admin/mail?sort=recipient', 'sort'],
  ])('answers 400 to %s, naming the field', async (_label, path, field) => {
    const res = await t.http.get(path).set('Cookie', admin.cookie!).set('Accept', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(Object.keys(res.body.fields)).toEqual([field]);
  });

  it('answers 404 to an unknown or malformed mail id and an unknown template', async () => {
    await admin.get('/admin/mail');
    for (const path of [`/admin/mail/outbox/${randomUUID()}`, '/admin/mail/outbox/not-a-uuid', '/admin/mail/templates/nope', '/admin/mail/templates/nope/html']) {
      expect([path, (await admin.get(path)).status]).toEqual([path, 404]);
    }
    expect((await admin.post(`/admin/mail/outbox/${randomUUID()}/resend`)).status).toBe(404);
    expect((await admin.post('/admin/mail/outbox/not-a-uuid/resend')).status).toBe(404);
  });

  it('refuses a resend without the form token, and answers 403 to a user without the admin role on every route', async () => {
    const outbox = t.app.get(OutboxRepository);
    const failed = await outbox.createQueued('dave@example.org', 'test', { requestedAt: '2026-11-29T00:00:00.000Z' });
    await outbox.recordFailure(failed.id, 'made to fail', true);
    await admin.get('/admin/mail');
    expect((await admin.post(`/admin/mail/outbox/${failed.id}/resend`, {}, { csrf: null })).status).toBe(403);
    const bob = await t.signIn('bob@example.org');
    for (const path of ['/admin/mail', '/admin/mail?status=failed', `/admin/mail/outbox/${failed.id}`, '/admin/mail/templates', '/admin/mail/templates/test', '/admin/mail/templates/test/html']) {
      expect([path, (await bob.get(path)).status]).toEqual([path, 403]);
    }
    await bob.get('/account');
    expect((await bob.post(`/admin/mail/outbox/${failed.id}/resend`)).status).toBe(403);
    expect((await outbox.findById(failed.id))!.status).toBe('failed');
  });
});
