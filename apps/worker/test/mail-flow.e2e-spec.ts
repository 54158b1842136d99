import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MailService } from '@app/mail';
import { JobQueue, QueueWorkers } from '@app/queue';
import type { Job } from 'bullmq';
import { createTestDatabase, freePort, testEnv, testRedisUrl, type TestDatabase, SmtpSink } from '@app/testing';
import request from 'supertest';
import { sessionCookie } from '../../api/test/support/session-probe.js';
import { startMailApi } from './support/mail-api.js';
import { eventually, outboxRows, startWorker } from './support/worker-harness.js';

// Real services and processes on a shared 2-core machine: bounds are generous, waits are event-driven.
jest.setTimeout(60000);

/** api → queue (Redis) → worker → SMTP, with everything real: what a user and an admin would see. */
describe('mail through the queue and the worker (Redis)', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let api: NestExpressApplication;
  let worker: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let healthPort: number;

  beforeAll(async () => {
    db = await createTestDatabase('mail_flow');
    sink = await new SmtpSink().start();
    healthPort = await freePort();
    const env = testEnv({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      SMTP_URL: sink.url,
      MAIL_FROM: 'Starter <no-reply@starter.test>',
      ADMIN_EMAILS: 'ops@starter.test',
      ERROR_MAIL_ENABLED: 'true',
      JOB_BACKOFF_MS: '100',
      WORKER_HEALTH_PORT: String(healthPort),
      WORKER_CONCURRENCY: '3',
    });
    api = await startMailApi(env);
    http = request(api.getHttpServer());
    worker = await startWorker(env);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sink?.stop();
    await db?.drop();
  });

  it('delivers a mail queued by a request: headers, text and HTML parts, and the outbox row', async () => {
    const res = await http.post('/probe/mail').send({ to: 'ada@example.org', firstName: 'Ada <Lovelace> & co' }).expect(202);
    const [mail] = await sink.waitFor(1);

    expect(mail.envelope).toEqual({ from: 'no-reply@starter.test', to: ['ada@example.org'] });
    expect(mail.parsed.subject).toBe('Confirm your email address');
    expect(mail.parsed.from?.value).toEqual([{ name: 'Starter', address: 'no-reply@starter.test' }]);
    expect(mail.parsed.messageId).toBe(`<${res.body.id}@starter.test>`);
    expect(mail.parsed.text).toContain('Hello Ada <Lovelace> & co,');
    expect(mail.parsed.text).toContain('http://localhost:3000/confirm?token=t0k3n');
    expect(mail.parsed.html).toContain('Hello Ada &lt;Lovelace&gt; &amp; co,');
    expect(mail.parsed.html).toContain('href="http://localhost:3000/confirm?token=t0k3n"');

    const [row] = (await eventually(async () => {
      const rows = await outboxRows(db.url, 'id = $1 AND status = $2', [res.body.id, 'sent']);
      return rows.length === 1 ? rows : undefined;
    }))!;
    expect(row).toMatchObject({
      recipient: 'ada@example.org',
      template: 'confirm-email',
      subject: 'Confirm your email address',
      transport: 'smtp',
      attempts: 1,
      last_error: null,
      message_id: `<${res.body.id}@starter.test>`,
    });
    // The stored copy is the mail as sent, but for the link's secret: no live link rests in the outbox.
    expect(row.text_body).toBe(mail.parsed.text!.replace('token=t0k3n', 'token=REDACTED'));
    expect(JSON.stringify(row)).not.toContain('t0k3n');
    expect(row.sent_at).toBeInstanceOf(Date);
  });

  it('mails an unhandled 500 to the admins once per fingerprint, with request id, route and user, without secrets', async () => {
    const before = sink.received.length;
    const login = await http.post('/probe/login').send({ userId: 'user-42' }).expect(200);
    const cookie = sessionCookie(login)!.pair;

    const first = await http.get('/probe/boom/report').set('Cookie', cookie).set('Accept', 'text/html');
    expect(first.status).toBe(500);
    expect(first.text).not.toContain('hunter2');
    const requestId = first.headers['x-request-id'];
    await http.get('/probe/boom/report').set('Cookie', cookie).expect(500); // same bug: no second mail
    await http.get('/probe/kaboom').expect(500); // another bug: its own mail

    const mails = (await sink.waitFor(before + 2)).slice(before);
    await eventually(async () => {
      const counts = await worker.get(JobQueue).queue('mail').getJobCounts('waiting', 'active', 'delayed');
      return counts.waiting + counts.active + counts.delayed === 0;
    });
    expect(sink.received.length).toBe(before + 2);
    const reports = await outboxRows(db.url, 'template = $1', ['error-report']);
    expect(reports).toHaveLength(2);

    const boom = mails.find((m) => m.parsed.subject?.includes('TypeError'))!;
    expect(boom.envelope.to).toEqual(['ops@starter.test']);
    expect(boom.parsed.subject).toBe('[test] TypeError at GET /probe/boom/:thing');
    expect(boom.parsed.text).toContain(`request id:  ${requestId}`);
    expect(boom.parsed.text).toContain('user id:     user-42');
    expect(boom.parsed.text).toMatch(/at MailProbeController\.boom/);
    for (const part of [boom.raw, boom.parsed.text ?? '', String(boom.parsed.html)]) {
      expect(part).not.toContain('hunter2');
      expect(part).not.toContain('x'.repeat(40));
      expect(part).not.toContain(cookie.split('=')[1]);
    }
    expect(mails.some((m) => m.parsed.subject === '[test] RangeError at GET /probe/kaboom')).toBe(true);
  });

  it('sends a mail once for one idempotency key, however often it is requested', async () => {
    const mail = api.get(MailService);
    const data = { firstName: 'Ida', resetUrl: 'http://localhost:3000/reset?token=r1', expiresInMinutes: 60 };
    const ids = await Promise.all(
      [1, 2, 3].map(() => mail.send('reset-password', 'ida@example.org', data, { idempotencyKey: 'reset:ida:1' })),
    );
    expect(new Set(ids).size).toBe(1);
    await eventually(async () => (await outboxRows(db.url, "id = $1 AND status = 'sent'", [ids[0]])).length === 1);
    expect(await mail.send('reset-password', 'ida@example.org', data, { idempotencyKey: 'reset:ida:1' })).toBe(ids[0]);
    await eventually(async () => {
      const counts = await worker.get(JobQueue).queue('mail').getJobCounts('waiting', 'active', 'delayed');
      return counts.waiting + counts.active + counts.delayed === 0;
    });
    expect(sink.received.filter((m) => m.envelope.to[0] === 'ida@example.org')).toHaveLength(1);
    expect(await outboxRows(db.url, 'recipient = $1', ['ida@example.org'])).toHaveLength(1);
  });

  it('answers readiness for an orchestrator on WORKER_HEALTH_PORT', async () => {
    const res = await fetch(`http://127.0.0.1:${healthPort}/health/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { details: Record<string, { status: string }> };
    expect(body.details.database.status).toBe('up');
    expect(body.details.queue.status).toBe('up');
  });

  it('gives every job the default policy and runs the configured concurrency', async () => {
    const jobs = worker.get(JobQueue);
    const running = worker.get(QueueWorkers).running;
    expect(running.length).toBeGreaterThan(0);
    expect(running.map((w) => w.concurrency)).toEqual(running.map(() => 3));
    // A completed job is deleted at once (QUEUE_KEEP_COMPLETED=0), so it is seen as it completes.
    let onCompleted: (job: Job) => void = () => undefined;
    const completed = new Promise<Job>((resolve) => (onCompleted = (job) => job.name === 'system.ping' && resolve(job)));
    running.forEach((w) => w.on('completed', onCompleted));
    try {
      const id = await jobs.enqueue('system.ping', { sentAt: Date.now() });
      const done = await completed;
      expect(done.id).toBe(id);
      // Retried with exponential backoff, kept for inspection when it fails for good (30 days),
      // deleted once it succeeds.
      expect(done.opts).toMatchObject({
        attempts: 5,
        backoff: { type: 'exponential', delay: 100 },
        removeOnComplete: true,
        removeOnFail: { age: 30 * 86400 },
      });
      await eventually(async () => ((await jobs.queue('system').getJob(id)) === undefined ? true : undefined));
    } finally {
      running.forEach((w) => w.off('completed', onCompleted));
    }
  });

  it('declares the scheduled jobs', async () => {
    const schedulers = await worker.get(JobQueue).queue('maintenance').getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['accounts.purge-tokens', 'audit.prune', 'mail.outbox-prune', 'sessions.reap']);
  });
});
