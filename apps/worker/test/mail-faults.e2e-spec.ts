import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { JobQueue } from '@app/queue';
import { createTestDatabase, freePort, testEnv, testRedisUrl, type TestDatabase, runCli, SmtpSink } from '@app/testing';
import request from 'supertest';
import { startMailApi } from './support/mail-api.js';
import { eventually, jobCompleted, outboxRows, startWorker } from './support/worker-harness.js';

// Real services and processes on a shared 2-core machine: bounds are generous, waits are event-driven.
jest.setTimeout(60000);

/** The SMTP server is down: retries, a visible failure, no crash, and a later retry sends once. */
describe('SMTP down', () => {
  let db: TestDatabase;
  let smtpPort: number;
  let sink: SmtpSink | undefined;
  let api: NestExpressApplication;
  let worker: INestApplicationContext;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    db = await createTestDatabase('mail_faults');
    smtpPort = await freePort(); // nobody listens here yet
    env = testEnv({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      SMTP_TIMEOUT_MS: '2000',
      JOB_ATTEMPTS: '3',
      JOB_BACKOFF_MS: '200',
      ADMIN_EMAILS: 'ops@starter.test',
      ERROR_MAIL_ENABLED: 'true',
    });
    api = await startMailApi(env);
    worker = await startWorker(env);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sink?.stop();
    await db?.drop();
  });

  it('retries with backoff, ends failed with the reason in the outbox, and keeps the worker running', async () => {
    const res = await request(api.getHttpServer()).post('/probe/mail').send({ to: 'ada@example.org', firstName: 'Ada' }).expect(202);
    const [row] = (await eventually(async () => {
      const rows = await outboxRows(db.url, 'id = $1 AND status = $2', [res.body.id, 'failed']);
      return rows.length ? rows : undefined;
    }, 30000))!;
    expect(row.attempts).toBe(3);
    expect(row.last_error).toMatch(/ECONNREFUSED/);

    const jobs = worker.get(JobQueue);
    const job = await jobs.queue('mail').getJob(`mail-${res.body.id}`);
    expect(job?.attemptsMade).toBe(3);
    // Exponential backoff: 200 ms, then 400 ms, between the three attempts.
    expect(job!.finishedOn! - job!.timestamp).toBeGreaterThanOrEqual(600);

    // The failure is reported to the admins; that mail fails too (same SMTP) and is not reported again.
    const failed = (await eventually(async () => {
      const list = await jobs.failed();
      return list.filter((j) => j.name === 'mail.send').length === 2 ? list : undefined;
    }, 30000))!;
    expect(failed.map((j) => j.name).sort()).toEqual(['mail.send', 'mail.send']);

    // Still alive and working: a no-op job completes.
    const ping = await jobs.enqueue('system.ping', { sentAt: Date.now() });
    await eventually(() => jobCompleted(jobs.queue('system'), ping), 10000);
  });

  it('lists the failed jobs and, once SMTP is back, a retry sends each mail exactly once', async () => {
    const listed = await runCli(['jobs:failed'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/mail-\S+\s+mail\s+mail\.send\s+3\s+/);

    sink = await new SmtpSink().start(smtpPort);
    const retried = await runCli(['jobs:retry', '--all'], env);
    expect(retried.code).toBe(0);
    expect(retried.stderr).not.toMatch(/no failed job|failed:/);
    expect(retried.stdout.match(/^retrying mail-/gm)).toHaveLength(2);

    const mails = await sink.waitFor(2);
    const rows = (await eventually(async () => {
      const sent = await outboxRows(db.url, "status = 'sent'");
      return sent.length === 2 ? sent : undefined;
    }))!;
    expect(rows.map((r) => r.attempts)).toEqual([4, 4]);
    expect(rows.every((r) => r.last_error === null)).toBe(true);
    const report = mails.find((m) => m.envelope.to[0] === 'ops@starter.test')!;
    expect(report.parsed.subject).toBe('[test] Error in job mail.send');
    expect(report.parsed.text).toMatch(/attempts:\s+3/);
    expect(mails.find((m) => m.envelope.to[0] === 'ada@example.org')?.parsed.subject).toBe('Confirm your email address');

    // Retrying again finds nothing to retry, and sends nothing.
    const again = await runCli(['jobs:retry', rows[0].id], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no failed job with id ${rows[0].id}`);
    const jobs = worker.get(JobQueue);
    await eventually(async () => {
      const counts = await jobs.queue('mail').getJobCounts('waiting', 'active', 'delayed', 'failed');
      return counts.waiting + counts.active + counts.delayed + counts.failed === 0;
    });
    expect(sink.received).toHaveLength(2);
  });
});
