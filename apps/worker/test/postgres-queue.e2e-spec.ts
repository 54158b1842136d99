import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '@app/config';
import { JobQueue, QueueWorkers } from '@app/queue';
import { FileSessionStore, generateSessionId, sessionStoreFactory } from '@app/session';
import { createTestDatabase, testEnv, type TestDatabase, SmtpSink } from '@app/testing';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { startMailApi } from './support/mail-api.js';
import { eventually, outboxRows, startWorker } from './support/worker-harness.js';

jest.setTimeout(60000);

/** No REDIS_URL: the queue runs on BullMQ's PostgreSQL backend in the app's own database. */
describe('queue on PostgreSQL (no Redis configured)', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let api: NestExpressApplication;
  let worker: INestApplicationContext;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    db = await createTestDatabase('pg_queue');
    sink = await new SmtpSink().start();
    env = testEnv({ DATABASE_URL: db.url, SMTP_URL: sink.url, JOB_BACKOFF_MS: '100' });
    api = await startMailApi(env);
    worker = await startWorker(env);
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sink?.stop();
    await rm(env.SESSION_DIR!, { recursive: true, force: true });
    await db?.drop();
  });

  it('chooses the PostgreSQL backend', () => {
    expect(worker.get(AppConfig).queue.backend).toBe('postgres');
  });

  it('delivers a mail api → queue → worker → SMTP', async () => {
    const res = await request(api.getHttpServer()).post('/probe/mail').send({ to: 'pg@example.org', firstName: 'Pat' }).expect(202);
    const [mail] = await sink.waitFor(1);
    expect(mail.envelope.to).toEqual(['pg@example.org']);
    expect(mail.parsed.text).toContain('Hello Pat,');
    await eventually(async () => (await outboxRows(db.url, "id = $1 AND status = 'sent'", [res.body.id])).length === 1);
  });

  it('runs a no-op job and keeps the schedulers in its schema', async () => {
    const jobs = worker.get(JobQueue);
    const system = worker.get(QueueWorkers).running.find((w) => w.name === 'system')!;
    const completed = new Promise<string | undefined>((resolve) => system.once('completed', (job) => resolve(job.id)));
    const id = await jobs.enqueue('system.ping', { sentAt: Date.now() });
    expect(await completed).toBe(id);
    // Completed jobs are deleted at once on this backend (BullMQ 6.7's retention deadlocked here).
    await eventually(async () => (await jobs.queue('system').getJob(id)) === undefined);
    const schedulers = await jobs.queue('maintenance').getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['accounts.purge-tokens', 'audit.prune', 'mail.outbox-prune', 'sessions.reap']);
  });

  it('reaps expired session files when the scheduled sessions.reap job runs', async () => {
    const config = worker.get(AppConfig);
    const store = sessionStoreFactory(config, null);
    expect(store).toBeInstanceOf(FileSessionStore);
    const long = Date.now() - config.session.absoluteTtlMs - 60_000;
    const expired = generateSessionId();
    const fresh = generateSessionId();
    await store.create(expired, { createdAt: long, lastSeenAt: long, data: {} });
    await store.create(fresh, { createdAt: Date.now(), lastSeenAt: Date.now(), data: {} });

    const maintenance = worker.get(QueueWorkers).running.find((w) => w.name === 'maintenance')!;
    const result = new Promise<unknown>((resolve) =>
      maintenance.on('completed', (job, value) => job.name === 'sessions.reap' && resolve(value)),
    );
    // What the scheduler does every 15 minutes, now.
    await worker.get(JobQueue).enqueue('sessions.reap', {});
    expect(await result).toEqual({ removed: 1 });
    expect(await store.get(fresh)).not.toBeNull();
  });
});
