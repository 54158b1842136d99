import { jest } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  createTestDatabase,
  freePort,
  TcpProxy,
  testEnv,
  testRedisUrl,
  waitFor,
  withHostPort,
  type TestDatabase,
  SmtpSink,
} from '@app/testing';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { startMailApi } from './support/mail-api.js';
import type { INestApplicationContext } from '@nestjs/common';
import { eventually, outboxRows, startWorker } from './support/worker-harness.js';

jest.setTimeout(60000);

/** Redis "stops" for this api only (a proxy the test cuts): sending mail answers 503 quickly. */
describe('queue unavailable when a request sends mail', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let api: NestExpressApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await createTestDatabase('queue_outage');
    const target = new URL(testRedisUrl());
    proxy = await new TcpProxy(target.hostname, Number(target.port || 6379)).start();
    api = await startMailApi(testEnv({ DATABASE_URL: db.url, REDIS_URL: withHostPort(testRedisUrl(), '127.0.0.1', proxy.port) }));
    http = request(api.getHttpServer());
  });

  afterAll(async () => {
    await api?.close();
    await proxy?.stop();
    await db?.drop();
  });

  it('queues normally while Redis answers', async () => {
    await http.post('/probe/mail').send({ to: 'ok@example.org', firstName: 'Ok' }).expect(202);
  });

  it('answers a 503 page within a bounded time, and the outbox says the mail was not queued', async () => {
    await proxy.cut();
    const started = Date.now();
    const page = await http.post('/probe/mail').set('Accept', 'text/html').send({ to: 'lost@example.org', firstName: 'Lost' });
    expect(Date.now() - started).toBeLessThan(5000); // QUEUE_ENQUEUE_TIMEOUT_MS is 2 s
    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBe('5');
    expect(page.text).toContain('Service unavailable');

    const json = await http.post('/probe/mail').set('Accept', 'application/json').send({ to: 'lost@example.org', firstName: 'Lost' });
    expect(json.status).toBe(503);
    expect(json.body).toMatchObject({ code: 'service_unavailable', message: 'The job queue is unavailable. Please try again shortly.' });

    const rows = await outboxRows(db.url, 'recipient = $1', ['lost@example.org']);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.status === 'failed' && /could not be queued/.test(r.last_error ?? ''))).toBe(true);
  });

  it('queues again once Redis is back, by itself', async () => {
    await proxy.restore();
    await waitFor(
      async () => (await http.post('/probe/mail').send({ to: 'back@example.org', firstName: 'Back' })).status === 202,
      20000,
      200,
    );
  });
});

describe('queue never reachable since start', () => {
  let db: TestDatabase;
  let api: NestExpressApplication;

  beforeAll(async () => {
    db = await createTestDatabase('queue_never');
    const nobody = await freePort();
    api = await startMailApi(testEnv({ DATABASE_URL: db.url, REDIS_URL: `redis://127.0.0.1:${nobody}/0` }));
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('answers 503 after the enqueue timeout instead of waiting for Redis', async () => {
    const started = Date.now();
    const res = await request(api.getHttpServer())
      .post('/probe/mail')
      .set('Accept', 'application/json')
      .send({ to: 'x@example.org', firstName: 'X' });
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(6000);
  });
});

/** No Redis: the queue lives in PostgreSQL, and PostgreSQL goes away (for this app only) and returns. */
describe('database outage with the queue on PostgreSQL', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let sink: SmtpSink;
  let api: NestExpressApplication;
  let worker: INestApplicationContext;
  let http: ReturnType<typeof request>;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    db = await createTestDatabase('pg_queue_outage');
    const target = new URL(db.url);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    sink = await new SmtpSink().start();
    env = testEnv({ DATABASE_URL: withHostPort(db.url, '127.0.0.1', proxy.port), SMTP_URL: sink.url, JOB_BACKOFF_MS: '100' });
    api = await startMailApi(env);
    worker = await startWorker(env);
    http = request(api.getHttpServer());
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await proxy?.stop();
    await sink?.stop();
    await rm(env.SESSION_DIR!, { recursive: true, force: true });
    await db?.drop();
  });

  it('answers 503 while the database is away, keeps both processes alive, and delivers again once it is back', async () => {
    await http.post('/probe/mail').send({ to: 'before@example.org', firstName: 'Before' }).expect(202);
    await sink.waitFor(1);

    await proxy.cut(); // drops the worker's LISTEN connection and every pooled one
    const during = await http.post('/probe/mail').set('Accept', 'application/json').send({ to: 'during@example.org', firstName: 'During' });
    expect(during.status).toBe(503);

    await proxy.restore();
    await eventually(async () => (await http.post('/probe/mail').send({ to: 'after@example.org', firstName: 'After' })).status === 202);
    const mails = await sink.waitFor(2);
    expect(mails.map((m) => m.envelope.to[0])).toContain('after@example.org');
    expect(await outboxRows(db.url, 'recipient = $1', ['during@example.org'])).toHaveLength(0);
  });
});
