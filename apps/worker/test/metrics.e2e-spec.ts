import type { INestApplicationContext } from '@nestjs/common';
import { JobQueue } from '@app/queue';
import { createTestDatabase, freePort, hasMetric, metricSum, testEnv, testRedisUrl, waitFor, type TestDatabase } from '@app/testing';
import { randomBytes } from 'node:crypto';
import { startWorker } from './support/worker-harness.js';

/**
 * The worker's Prometheus metrics on METRICS_PORT (the worker has no other HTTP but readiness):
 * jobs completed and failed with their durations, queue depth read at scrape time, scheduler runs.
 */
describe('worker metrics', () => {
  const token = randomBytes(24).toString('hex');
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let port: number;

  beforeAll(async () => {
    db = await createTestDatabase('metrics_worker');
    port = await freePort();
    worker = await startWorker(
      testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), JOB_ATTEMPTS: '1', METRICS_PORT: String(port), METRICS_TOKEN: token }),
    );
  });

  afterAll(async () => {
    await worker?.close();
    await db?.drop();
  });

  const scrape = async () => {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('refuses a scrape without the token', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
  });

  it('counts completed and failed jobs by name, with durations, and reads the queue depth', async () => {
    const before = await scrape();
    const jobs = worker.get(JobQueue);
    for (let i = 0; i < 20; i++) {
      await jobs.enqueue('system.ping', { sentAt: Date.now() });
    }
    // A job no processor knows (as from another release) fails visibly, and is counted.
    await jobs.queue('system').add('system.unknown', {}, { attempts: 1 });
    let after = before;
    const delta = (name: string, labels: Record<string, string>) => metricSum(after, name, labels) - metricSum(before, name, labels);
    await waitFor(async () => {
      after = await scrape();
      return delta('jobs_completed_total', { job: 'system.ping' }) >= 20 && delta('jobs_failed_total', { job: 'system.unknown' }) >= 1;
    }, 20_000);
    expect(delta('jobs_completed_total', { job: 'system.ping' })).toBe(20);
    expect(delta('job_duration_seconds_count', { job: 'system.ping', outcome: 'completed' })).toBe(20);
    expect(delta('jobs_failed_total', { job: 'system.unknown' })).toBe(1);
    expect(delta('job_duration_seconds_count', { job: 'system.unknown', outcome: 'failed' })).toBe(1);
    // Depth by queue and state, straight from the queue: the failed job is still there.
    expect(metricSum(after, 'queue_jobs', { queue: 'system', state: 'failed' })).toBe(1);
    expect(hasMetric(after, 'queue_jobs', { queue: 'system', state: 'waiting' })).toBe(true);
    expect(hasMetric(after, 'queue_jobs', { queue: 'mail', state: 'active' })).toBe(true);
    expect(hasMetric(after, 'db_pool_connections', { state: 'idle' })).toBe(true);
    expect(hasMetric(after, 'nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('counts the runs of a job scheduler', async () => {
    const before = await scrape();
    const queue = worker.get(JobQueue).queue('system');
    await queue.upsertJobScheduler('system.ping', { every: 300 }, { name: 'system.ping', data: { sentAt: 0 } });
    let after = before;
    try {
      await waitFor(async () => {
        after = await scrape();
        return metricSum(after, 'job_scheduler_runs_total', { scheduler: 'system.ping' }) - metricSum(before, 'job_scheduler_runs_total', { scheduler: 'system.ping' }) >= 2;
      }, 15_000);
    } finally {
      await queue.removeJobScheduler('system.ping');
    }
    expect(metricSum(after, 'job_scheduler_runs_total', { scheduler: 'system.ping' })).toBeGreaterThanOrEqual(2);
  });
});
