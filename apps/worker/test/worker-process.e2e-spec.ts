import { jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { JobProcessor, JobQueue } from '@app/queue';
import { createTestDatabase, spawnBuiltApp, testEnv, testRedisUrl, type SpawnedApp, type TestDatabase, SmtpSink } from '@app/testing';
import { Module } from '@nestjs/common';
import request from 'supertest';
import { SessionReapProcessor } from '../src/processors/session-reap.processor.js';
import { WorkerModule } from '../src/worker.module.js';
import { startMailApi } from './support/mail-api.js';
import { eventually, jobCompleted, outboxRows } from './support/worker-harness.js';

// Real services and processes on a shared 2-core machine: bounds are generous, waits are event-driven.
jest.setTimeout(90000);

/**
 * The built worker (`dist/bundle/worker.mjs`) as a real process, killed and stopped while a mail
 * job is in the middle of its SMTP conversation (the test's SMTP server holds it at MAIL FROM).
 */
describe('worker process faults', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let api: NestExpressApplication;
  let env: Record<string, string | undefined>;
  const spawned: SpawnedApp[] = [];

  function spawnWorker(): SpawnedApp {
    const worker = spawnBuiltApp('worker', { ...env, LOG_LEVEL: 'info' });
    spawned.push(worker);
    return worker;
  }

  async function sendMail(to: string): Promise<string> {
    const res = await request(api.getHttpServer()).post('/probe/mail').send({ to, firstName: 'Ada' }).expect(202);
    return res.body.id as string;
  }

  beforeAll(async () => {
    db = await createTestDatabase('worker_faults');
    sink = await new SmtpSink().start();
    env = testEnv({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      SMTP_URL: sink.url,
      JOB_BACKOFF_MS: '100',
      // Short locks, so a killed worker's job is taken over within seconds, not minutes.
      WORKER_LOCK_DURATION_MS: '2000',
    });
    api = await startMailApi(env);
  });

  afterAll(async () => {
    for (const worker of spawned) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) {
        worker.child.kill('SIGKILL');
        await worker.exited;
      }
    }
    await api?.close();
    await sink?.stop();
    await db?.drop();
  });

  it('recovers a job whose worker was killed with SIGKILL mid-job, and sends the mail once', async () => {
    const first = spawnWorker();
    await first.waitForOutput(/worker ready/, 30000);
    const gate = sink.hold();
    const id = await sendMail('killed@example.org');
    await gate.reached;
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    gate.release();

    const second = spawnWorker();
    await second.waitForOutput(/worker ready/, 30000);
    const [row] = (await eventually(async () => {
      const rows = await outboxRows(db.url, "id = $1 AND status = 'sent'", [id]);
      return rows.length ? rows : undefined;
    }, 60000))!;
    expect(row.attempts).toBe(2);
    const jobs = api.get(JobQueue);
    await eventually(() => jobCompleted(jobs.queue('mail'), `mail-${id}`));
    expect(sink.received.filter((m) => m.envelope.to[0] === 'killed@example.org')).toHaveLength(1);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('on SIGTERM finishes the running job, takes no new one, and exits 0', async () => {
    const worker = spawnWorker();
    await worker.waitForOutput(/worker ready/, 30000);
    const gate = sink.hold();
    const running = await sendMail('draining@example.org');
    await gate.reached;

    worker.child.kill('SIGTERM');
    await worker.waitForOutput(/stopping: no new jobs; waiting for 1 running job/, 30000);
    const later = await sendMail('later@example.org');
    gate.release();

    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(/worker stopped \(SIGTERM\)/);
    expect(sink.received.filter((m) => m.envelope.to[0] === 'draining@example.org')).toHaveLength(1);
    expect((await outboxRows(db.url, 'id = $1', [running]))[0].status).toBe('sent');
    // The job queued after SIGTERM waits for the next worker instead of being half-run.
    expect((await outboxRows(db.url, 'id = $1', [later]))[0]).toMatchObject({ status: 'queued', attempts: 0 });
    expect(
      await api
        .get(JobQueue)
        .queue('mail')
        .getJob(`mail-${later}`)
        .then((j) => j?.getState()),
    ).toBe('waiting');
  });
});

@JobProcessor('mail.send')
class SecondMailProcessor {
  process(): Promise<void> {
    return Promise.resolve();
  }
}

@Module({ providers: [SecondMailProcessor] })
class SecondMailProcessorModule {}

describe('worker boot check', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('worker_boot');
  });

  afterAll(async () => {
    await db?.drop();
  });

  type Builder = ReturnType<typeof Test.createTestingModule>;

  async function bootMessage(
    extraImports: Array<typeof SecondMailProcessorModule>,
    adjust: (b: Builder) => Builder = (b) => b,
  ): Promise<string> {
    const env = testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl() });
    const moduleRef = await adjust(Test.createTestingModule({ imports: [WorkerModule.forRoot({ env }), ...extraImports] })).compile();
    try {
      await moduleRef.init();
      return 'started';
    } catch (error) {
      return (error as Error).message;
    } finally {
      await moduleRef.close();
    }
  }

  it('refuses to start when a job has no processor, naming the job', async () => {
    const message = await bootMessage([], (b) => b.overrideProvider(SessionReapProcessor).useValue({}));
    expect(message).toContain('job "sessions.reap" has no processor');
  });

  it('refuses to start when a job has two processors, naming both', async () => {
    const message = await bootMessage([SecondMailProcessorModule]);
    expect(message).toContain('job "mail.send" has 2 processors: MailProcessor, SecondMailProcessor');
  });
});
