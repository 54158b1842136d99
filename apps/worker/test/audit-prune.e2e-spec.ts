import { jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { JobQueue } from '@app/queue';
import { createTestDatabase, jobCompleted, testEnv, testRedisUrl, type TestDatabase } from '@app/testing';
import pg from 'pg';
import { AuditPruneProcessor } from '../src/processors/audit-prune.processor.js';
import { eventually, startWorker } from './support/worker-harness.js';

jest.setTimeout(60000);

/**
 * Audit retention in the real worker (Redis queue, PostgreSQL): `audit.prune` is scheduled, and
 * run through the queue it deletes the rows older than AUDIT_RETENTION_DAYS and keeps the rest.
 */
describe('audit.prune', () => {
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let sql: pg.Client;

  beforeAll(async () => {
    db = await createTestDatabase('audit_prune');
    worker = await startWorker(testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), AUDIT_RETENTION_DAYS: '30' }));
    sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await worker?.close();
    await db?.drop();
  });

  const ages = async () =>
    (await sql.query<{ action: string }>(`SELECT action FROM audit_events ORDER BY occurred_at`)).rows.map((r) => r.action);

  it('is scheduled daily', async () => {
    const schedulers = await worker.get(JobQueue).queue('maintenance').getJobSchedulers();
    expect(schedulers.find((s) => s.key === 'audit.prune')).toMatchObject({ pattern: '23 4 * * *' });
  });

  it('deletes the rows older than AUDIT_RETENTION_DAYS, through the queue, and nothing newer', async () => {
    for (const [action, daysAgo] of [
      ['auth.sign-in', 400],
      ['auth.sign-in-failed', 31],
      ['auth.sign-out', 29],
      ['user.disabled', 0],
    ] as const) {
      await sql.query(`INSERT INTO audit_events (action, occurred_at) VALUES ($1, now() - make_interval(days => $2))`, [action, daysAgo]);
    }
    const queue = worker.get(JobQueue).queue('maintenance');
    const job = await queue.add('audit.prune', {});
    await eventually(() => jobCompleted(queue, job.id!));
    expect(await ages()).toEqual(['auth.sign-out', 'user.disabled']);
    // Idempotent: a second run finds nothing left to delete.
    expect(await worker.get(AuditPruneProcessor).process()).toEqual({ deleted: 0 });
    expect(await ages()).toEqual(['auth.sign-out', 'user.disabled']);
  });
});
