import { OutboxRepository } from '@app/mail';
import { TcpProxy, testRedisUrl, withHostPort } from '@app/testing';
import type { FormClient } from './support/form-client.js';
import { useAdminPanel } from './support/admin-suite.js';

/**
 * The queue and mail pages while the queue's Redis is unreachable (cut by a TCP proxy; sessions
 * are in files here, so signing in still works): a clear 503 within a bounded time, never a 500
 * or a hang, nothing changed, and the pages work again once Redis is back.
 */
describe('queue and mail pages with the queue unreachable', () => {
  const target = new URL(testRedisUrl());
  const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
  const env: Record<string, string> = { SESSION_STORE: 'file', QUEUE_BACKEND: 'redis' };
  let admin: FormClient;

  // Before useAdminPanel's own beforeAll, which reads `env` when it runs.
  beforeAll(async () => {
    await proxy.start();
    env.REDIS_URL = withHostPort(testRedisUrl(), '127.0.0.1', proxy.port);
  });
  const t = useAdminPanel('admin_queues_outage', env);

  beforeAll(async () => {
    admin = await t.signIn('admin@example.org');
    expect((await admin.get('/admin/queues')).status).toBe(200);
  });

  afterAll(async () => {
    await proxy.stop();
  });

  it('answers 503 to every queue page and action, and to a resend, within a bounded time; the mail stays failed', async () => {
    const outbox = t.app.get(OutboxRepository);
    const mail = await outbox.createQueued('bob@example.org', 'test', { requestedAt: '2026-11-29T00:00:00.000Z' });
    await outbox.recordFailure(mail.id, 'made to fail', true);
    await admin.get('/admin/mail'); // a fresh form token
    await proxy.cut();
    const started = Date.now();
    for (const path of ['/admin/queues', '/admin/queues/system', '/admin/queues/system/jobs/1']) {
      expect([path, (await admin.get(path)).status]).toEqual([path, 503]);
    }
    for (const path of ['/admin/queues/system/jobs/1/retry', '/admin/queues/system/pause', `/admin/mail/outbox/${mail.id}/resend`]) {
      expect([path, (await admin.post(path)).status]).toEqual([path, 503]);
    }
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((await outbox.findById(mail.id))!.status).toBe('failed');
    // The pages that do not need the queue still work.
    expect((await admin.get('/admin/mail')).status).toBe(200);
    expect((await admin.get('/admin/mail/templates/test')).status).toBe(200);
  }, 60_000);

  it('works again once Redis is back', async () => {
    await proxy.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await admin.get('/admin/queues')).status;
      if (status !== 200) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    expect(status).toBe(200);
  }, 30_000);
});
