import { AppConfig, type QueueBackendKind } from '@app/config';
import { JobQueue, workerConnection } from '@app/queue';
import { Worker, type Queue } from 'bullmq';
import pg from 'pg';
import type { FormClient } from './support/form-client.js';
import { useAdminPanel } from './support/admin-suite.js';
import { queueStore, type QueueStore } from './support/queue-store.js';

/**
 * The queue dashboard over HTTP, on both queue backends: counts by state, a paged list per state,
 * a job's detail (payload redacted), retry, promote, remove, pause and resume, the schedulers, bad
 * input, CSRF and who may. Every change is checked in the store itself (Redis keys, or BullMQ's
 * tables in PostgreSQL), not only through the page. A stand-in worker fails and completes jobs
 * (this file runs no real worker).
 */

describe.each<QueueBackendKind>(['redis', 'postgres'])('queue dashboard (queue on %s)', (backend) => {
  const t = useAdminPanel(`admin_queues_${backend}`, { QUEUE_BACKEND: backend });
  let admin: FormClient;
  let queue: Queue;
  let store: QueueStore;
  let failedId: string;
  let delayedId: string;
  let waitingIds: string[];
  let prioritizedId: string;

  beforeAll(async () => {
    admin = await t.signIn('admin@example.org');
    const config = t.app.get(AppConfig);
    queue = t.app.get(JobQueue).queue('system');
    store = queueStore(t, backend, 'system');
    // The stand-in worker's own connection to BullMQ's schema (on PostgreSQL), closed with it.
    let pool: pg.Pool | null = null;
    if (backend === 'postgres') {
      pool = new pg.Pool({ connectionString: config.database.url, max: 3, options: '-c search_path=bullmq' });
    }
    // One job fails for good (its payload carries things that look like secrets), one completes and is kept.
    const worker = new Worker(
      'system',
      (job) => {
        if ((job.data as { fail?: boolean }).fail) {
          throw new Error('stand-in worker: <b>refused</b>');
        }
        return Promise.resolve('ok');
      },
      { connection: workerConnection(config, pool), prefix: config.queue.prefix },
    );
    const done = new Promise<void>((resolve) => {
      let finished = 0;
      const count = () => ++finished === 2 && resolve();
      worker.on('failed', count);
      worker.on('completed', count);
    });
    const secretLink = 'https://app.example.org/reset-password?token=live-secret-token';
    failedId = (await queue.add('system.ping', { sentAt: 1, fail: true, password: 'hunter2', link: secretLink }, { attempts: 1 })).id!;
    await queue.add('system.ping', { sentAt: 2 }, { removeOnComplete: false });
    await done;
    await worker.close();
    await pool?.end();
    delayedId = (await queue.add('system.ping', { sentAt: 3 }, { delay: 3_600_000 })).id!;
    waitingIds = [];
    for (let i = 0; i < 27; i++) {
      waitingIds.push((await queue.add('system.ping', { sentAt: 100 + i })).id!);
    }
    // Waiting too, though BullMQ keeps it apart (Redis: its own sorted set): listed first, as it runs first.
    prioritizedId = (await queue.add('system.ping', { sentAt: 200 }, { priority: 5 })).id!;
    // A schedule, as the worker upserts from the job registry at boot.
    await t.app.get(JobQueue).queue('maintenance').upsertJobScheduler('sessions.reap', { every: 900_000 }, { name: 'sessions.reap', data: {} });
  }, 60_000);

  afterAll(async () => {
    await store?.close();
  });

  it('counts every queue by state, the same as the store', async () => {
    const page = await admin.get('/admin/queues');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="admin-tab-queues"');
    const count = (state: string) => new RegExp(`data-testid="count-system-${state}">(\\d+)<`).exec(page.text)?.[1];
    expect([count('waiting'), count('active'), count('delayed'), count('completed'), count('failed'), count('paused')]).toEqual(['28', '0', '1', '1', '1', '0']);
    expect(page.text).toMatch(/data-testid="count-maintenance-waiting">1</); // the schedule's first run
    expect(await store.read(failedId)).toBe('failed');
    expect(await store.read(delayedId)).toBe('delayed');
  });

  it('lists one state, newest first, 25 to a page', async () => {
    const first = await admin.get('/admin/queues/system?state=waiting');
    expect(first.status).toBe(200);
    expect(first.text.match(/data-testid="job-row"/g)).toHaveLength(25);
    expect(first.text).toContain('Page 1 of 2');
    expect(first.text.indexOf(`job-id">${prioritizedId}<`)).toBeLessThan(first.text.indexOf(`job-id">${waitingIds[26]}<`));
    expect(first.text.indexOf(`job-id">${waitingIds[26]}<`)).toBeLessThan(first.text.indexOf(`job-id">${waitingIds[3]}<`));
    const second = await admin.get('/admin/queues/system?state=waiting&page=2');
    expect(second.text.match(/data-testid="job-row"/g)).toHaveLength(3);
    expect(second.text).toContain(`job-id">${waitingIds[0]}<`);
    expect(second.text).not.toContain(`job-id">${prioritizedId}<`);
    expect((await admin.get('/admin/queues/system?state=waiting&page=9')).text).toContain('No waiting job.');
    const failed = await admin.get('/admin/queues/system?state=failed');
    expect(failed.text.match(/data-testid="job-row"/g)).toHaveLength(1);
    expect(failed.text).toContain('stand-in worker: &lt;b&gt;refused&lt;/b&gt;');
    expect((await admin.get('/admin/queues/system?state=completed')).text.match(/data-testid="job-row"/g)).toHaveLength(1);
    expect((await admin.get('/admin/queues/system?state=delayed')).text).toContain(`job-id">${delayedId}<`);
  });

  it("shows a job's detail: name, attempts, times, the failure and its stack as text, the payload redacted", async () => {
    const page = await admin.get(`/admin/queues/system/jobs/${failedId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="job-name">system.ping<');
    expect(page.text).toContain('data-testid="job-state">failed<');
    expect(page.text).toContain('data-testid="job-attempts">1 of 1<');
    expect(page.text).toContain('stand-in worker: &lt;b&gt;refused&lt;/b&gt;');
    expect(page.text).toMatch(/data-testid="job-stack">Error: stand-in worker: &lt;b&gt;refused&lt;\/b&gt;\n\s+at /);
    expect(page.text).toContain('&quot;password&quot;: &quot;[REDACTED]&quot;');
    expect(page.text).toContain('reset-password?token=[REDACTED]');
    expect(page.text).not.toContain('hunter2');
    expect(page.text).not.toContain('live-secret-token');
  });

  it('retries a failed job: waiting again with fresh attempts; a second retry finds nothing to do', async () => {
    const res = await admin.post(`/admin/queues/system/jobs/${failedId}/retry`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/queues/system?state=failed');
    expect(await store.read(failedId)).toBe('waiting');
    expect((await queue.getJob(failedId))!.attemptsMade).toBe(0);
    expect((await admin.get(res.headers.location)).text).toContain(`Job ${failedId} is queued again`);
    expect((await admin.post(`/admin/queues/system/jobs/${failedId}/retry`)).status).toBe(303);
    expect((await admin.get('/admin/queues/system?state=failed')).text).toContain(`Job ${failedId} is no longer failed.`);
  });

  it('promotes a delayed job to waiting; a second promote finds nothing to do', async () => {
    await admin.get('/admin/queues/system?state=delayed');
    const res = await admin.post(`/admin/queues/system/jobs/${delayedId}/promote`);
    expect(res.status).toBe(303);
    expect(await store.read(delayedId)).toBe('waiting');
    expect((await admin.get(res.headers.location)).text).toContain(`Job ${delayedId} is waiting to run now.`);
    await admin.post(`/admin/queues/system/jobs/${delayedId}/promote`);
    expect((await admin.get('/admin/queues/system')).text).toContain(`Job ${delayedId} is no longer delayed.`);
  });

  it('removes a job from the store; removing it again is a 404', async () => {
    const res = await admin.post(`/admin/queues/system/jobs/${waitingIds[0]}/remove`);
    expect(res.status).toBe(303);
    expect(await store.read(waitingIds[0])).toBeNull();
    expect((await admin.get('/admin/queues/system')).text).toContain(`Job ${waitingIds[0]} is removed.`);
    expect((await admin.post(`/admin/queues/system/jobs/${waitingIds[0]}/remove`)).status).toBe(404);
  });

  it('does not remove a job a worker is running (it holds its lock), and says so', async () => {
    const config = t.app.get(AppConfig);
    const mailStore = queueStore(t, backend, 'mail');
    const pool = backend === 'postgres' ? new pg.Pool({ connectionString: config.database.url, max: 3, options: '-c search_path=bullmq' }) : null;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const worker = new Worker(
      'mail',
      async () => {
        started();
        await released;
      },
      { connection: workerConnection(config, pool), prefix: config.queue.prefix },
    );
    try {
      const id = (await t.app.get(JobQueue).queue('mail').add('mail.send', { outboxId: 'none', template: 'test' })).id!;
      await running;
      const page = await admin.get('/admin/queues/mail?state=active');
      expect(page.text).toContain(`job-id">${id}<`);
      expect(page.text).not.toContain('data-testid="remove-job"');
      expect((await admin.post(`/admin/queues/mail/jobs/${id}/remove`)).status).toBe(303);
      expect((await admin.get('/admin/queues/mail')).text).toContain(`Job ${id} is running; it can be removed once it has finished.`);
      expect(await mailStore.read(id)).toBe('active');
    } finally {
      release();
      await worker.close();
      await pool?.end();
      await mailStore.close();
    }
  });

  it('pauses a queue (its waiting jobs count as paused) and resumes it', async () => {
    await admin.get('/admin/queues/system');
    expect((await admin.post('/admin/queues/system/pause')).status).toBe(303);
    expect(await store.paused()).toBe(true);
    const paused = await admin.get('/admin/queues/system?state=paused');
    expect(paused.text).toContain('data-testid="queue-status">paused<');
    expect(paused.text).toContain('data-testid="count-paused">29<'); // 26 left + the prioritized + the retried + the promoted
    expect(paused.text).toContain('data-testid="count-waiting">0<');
    expect(paused.text.match(/data-testid="job-row"/g)).toHaveLength(25);
    expect((await admin.get('/admin/queues/system?state=waiting')).text).toContain('No waiting job.');
    await admin.post('/admin/queues/system/pause');
    expect((await admin.get('/admin/queues/system')).text).toContain('Queue system was already paused.');
    expect((await admin.post('/admin/queues/system/resume')).status).toBe(303);
    expect(await store.paused()).toBe(false);
    const resumed = await admin.get('/admin/queues/system');
    expect(resumed.text).toContain('Queue system runs again.');
    expect(resumed.text).toContain('data-testid="count-waiting">29<');
  });

  it('shows the job schedulers with their next run', async () => {
    const [scheduler] = await t.app.get(JobQueue).queue('maintenance').getJobSchedulers();
    const page = await admin.get('/admin/queues/maintenance');
    expect(page.text.match(/data-testid="scheduler-row"/g)).toHaveLength(1);
    expect(page.text).toContain('<code>sessions.reap</code>');
    expect(page.text).toContain('every 900 s');
    expect(page.text).toContain(`datetime="${new Date(Number(scheduler.next)).toISOString()}"`);
    expect((await admin.get('/admin/queues/mail')).text).toContain('No schedule on this queue.');
  });

  it.each([
    ['an unknown state', '/admin/queues/system?state=sleeping', 'state'],
    ['the state given twice', '/admin/queues/system?state=failed&state=active', 'state'],
    ['a page that is not a number', '/admin/queues/system?page=two', 'page'],
    ['page 0', '/admin/queues/system?page=0', 'page'],
    ['an unknown parameter', '/admin/queues/system?sort=name', 'sort'],
  ])('answers 400 to %s, naming the field', async (_label, path, field) => {
    const res = await t.http.get(path).set('Cookie', admin.cookie!).set('Accept', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    expect(Object.keys(res.body.fields)).toEqual([field]);
  });

  it('answers 404 to an unknown queue, and to a job id that is unknown or malformed, for pages and actions', async () => {
    await admin.get('/admin/queues');
    const malformed = encodeURIComponent('a b<c>');
    for (const path of ['/admin/queues/nope', '/admin/queues/nope/jobs/1', '/admin/queues/system/jobs/999999', `/admin/queues/system/jobs/${malformed}`]) {
      expect([path, (await admin.get(path)).status]).toEqual([path, 404]);
    }
    for (const action of ['retry', 'promote', 'remove']) {
      for (const path of [`/admin/queues/system/jobs/999999/${action}`, `/admin/queues/system/jobs/${malformed}/${action}`, `/admin/queues/nope/jobs/1/${action}`]) {
        expect([path, (await admin.post(path)).status]).toEqual([path, 404]);
      }
    }
    expect((await admin.post('/admin/queues/nope/pause')).status).toBe(404);
  });

  it('refuses a change without the form token, and changes nothing', async () => {
    await admin.get('/admin/queues/system');
    expect((await admin.post('/admin/queues/system/pause', {}, { csrf: null })).status).toBe(403);
    expect((await admin.post(`/admin/queues/system/jobs/${waitingIds[1]}/remove`, {}, { csrf: 'forged' })).status).toBe(403);
    expect(await store.paused()).toBe(false);
    expect(await store.read(waitingIds[1])).toBe('waiting');
  });

  it('answers 403 to a user without the admin role on every route, and changes nothing', async () => {
    const bob = await t.signIn('bob@example.org');
    for (const path of ['/admin/queues', '/admin/queues/system', '/admin/queues/system?state=failed', `/admin/queues/system/jobs/${waitingIds[1]}`]) {
      expect([path, (await bob.get(path)).status]).toEqual([path, 403]);
    }
    await bob.get('/account'); // a form token of bob's own session
    for (const path of [
      `/admin/queues/system/jobs/${waitingIds[1]}/remove`,
      `/admin/queues/system/jobs/${waitingIds[1]}/retry`,
      `/admin/queues/system/jobs/${waitingIds[1]}/promote`,
      '/admin/queues/system/pause',
      '/admin/queues/system/resume',
    ]) {
      expect([path, (await bob.post(path)).status]).toEqual([path, 403]);
    }
    expect(await store.read(waitingIds[1])).toBe('waiting');
    expect(await store.paused()).toBe(false);
  });

  it("has nothing Bull Board's BullMQ adapter could read Redis INFO from (it calls queue.client.info())", () => {
    // Bull Board's BullMQAdapter.getRedisInfo() is `(await this.queue.client).info()`; BullMQ 6's
    // Queue has no `client` on either backend, so that dashboard's header call would throw.
    expect((queue as unknown as { client?: unknown }).client).toBeUndefined();
  });
});
