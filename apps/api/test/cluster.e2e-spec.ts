import { jest } from '@jest/globals';
import { JOBS } from '@app/queue';
import { createTestDatabase, freePort, metricSum, testEnv, testRedisUrl, waitFor, type TestDatabase } from '@app/testing';
import { Queue } from 'bullmq';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { ClusterBrowser, ClusterProcess, SteadyLoad } from './support/cluster.js';

// Real processes from the built output (`npm run build`), two at a time on a shared 2-core machine.
jest.setTimeout(120_000);

const ADMIN = 'admin@cluster.test';
const USER = 'user@cluster.test';
const PASSWORD = 'a cluster of unusual passphrases';

interface Cluster {
  db: TestDatabase;
  env: Record<string, string | undefined>;
  apis: ClusterProcess[];
  workers: ClusterProcess[];
  workerMetricPorts: number[];
}

/** Two apis (and `workers` workers) on one PostgreSQL and one Redis, sharing one key prefix and session directory. */
async function startCluster(name: string, overrides: Record<string, string>, workers: number): Promise<Cluster> {
  const db = await createTestDatabase(name);
  const env = testEnv({
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    SEED_ADMIN_EMAIL: ADMIN,
    SEED_ADMIN_PASSWORD: PASSWORD,
    SEED_USER_EMAIL: USER,
    SEED_USER_PASSWORD: PASSWORD,
    // Completed jobs stay countable; a killed worker's jobs are taken over after 2 s, not 30.
    QUEUE_KEEP_COMPLETED: '5000',
    WORKER_LOCK_DURATION_MS: '2000',
    HTTP_DRAIN_MS: '1000',
    ...overrides,
  });
  const ports = [await freePort(), await freePort()];
  const apis = ['A', 'B'].map((n, i) => new ClusterProcess(`api ${n}`, 'api', { ...env, PORT: String(ports[i]) }, ports[i]));
  // A migrates and seeds alone first; B and the workers then start together on the same schema.
  await apis[0].start();
  const workerMetricPorts: number[] = [];
  const workerProcesses: ClusterProcess[] = [];
  for (let i = 0; i < workers; i++) {
    const [health, metrics] = [await freePort(), await freePort()];
    workerMetricPorts.push(metrics);
    workerProcesses.push(new ClusterProcess(`worker ${i + 1}`, 'worker', { ...env, WORKER_HEALTH_PORT: String(health), METRICS_PORT: String(metrics) }, health));
  }
  await Promise.all([apis[1].start(), ...workerProcesses.map((w) => w.start())]);
  return { db, env, apis, workers: workerProcesses, workerMetricPorts };
}

async function stopCluster(cluster: Cluster | undefined): Promise<void> {
  if (!cluster) {
    return;
  }
  await Promise.all([...cluster.apis, ...cluster.workers].map((p) => p.stop('SIGKILL').catch(() => undefined)));
  await rm(cluster.env.SESSION_DIR!, { recursive: true, force: true });
  await cluster.db.drop();
}

async function userId(db: TestDatabase, email: string): Promise<string> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email])).rows[0].id;
  } finally {
    await client.end();
  }
}

/** Sessions made on one api are the same sessions on the other, whatever the store. */
function sessionChecks(cluster: () => Cluster) {
  const sites = () => {
    const [a, b] = cluster().apis;
    return { A: request(`http://127.0.0.1:${a.port}`), B: request(`http://127.0.0.1:${b.port}`) };
  };

  it('signs in on A, is signed in on B; signs out on B, and the cookie is dead on A', async () => {
    const browser = new ClusterBrowser(sites);
    expect((await browser.signIn('A', USER, PASSWORD)).status).toBe(303);
    expect((await browser.get('B', '/account')).status).toBe(200);
    const cookie = browser.sessionCookie!;
    expect((await browser.post('B', '/account', '/logout')).status).toBe(303);
    const replay = await sites().A.get('/account').set('Accept', 'text/html').set('Cookie', cookie);
    expect([replay.status, replay.headers.location]).toEqual([303, '/login?next=%2Faccount']);
  });

  it('"sign out everywhere" on A ends the sessions used on B', async () => {
    const desk = new ClusterBrowser(sites);
    const phone = new ClusterBrowser(sites);
    expect((await desk.signIn('A', USER, PASSWORD)).status).toBe(303);
    expect((await phone.signIn('B', USER, PASSWORD)).status).toBe(303);
    expect((await phone.get('B', '/account')).status).toBe(200);
    expect((await desk.post('A', '/account/sessions', '/account/sessions/revoke-others', { password: PASSWORD })).status).toBe(303);
    expect((await phone.get('B', '/account')).status).toBe(303);
    expect((await desk.get('B', '/account')).status).toBe(200);
    await desk.post('A', '/account', '/logout');
  });

  it('disabling a user on A ends their session on B at once', async () => {
    const admin = new ClusterBrowser(sites);
    const user = new ClusterBrowser(sites);
    expect((await admin.signIn('A', ADMIN, PASSWORD)).status).toBe(303);
    expect((await user.signIn('B', USER, PASSWORD)).status).toBe(303);
    expect((await user.get('B', '/account')).status).toBe(200);
    const id = await userId(cluster().db, USER);
    expect((await admin.post('A', `/admin/users/${id}`, `/admin/users/${id}/active`, { active: 'false' })).status).toBe(303);
    expect((await user.get('B', '/account')).status).toBe(303);
    expect((await user.get('A', '/account')).status).toBe(303);
    // And back, for the next check on this store.
    expect((await admin.post('B', `/admin/users/${id}`, `/admin/users/${id}/active`, { active: 'true' })).status).toBe(303);
    expect((await user.signIn('B', USER, PASSWORD)).status).toBe(303);
    expect((await user.get('A', '/account')).status).toBe(200);
  });
}

describe('two apis and two workers on one PostgreSQL and one Redis (Redis sessions)', () => {
  let cluster: Cluster | undefined;
  let queue: Queue | undefined;
  const running = () => cluster!;

  beforeAll(async () => {
    cluster = await startCluster('cluster_redis', { SESSION_STORE: 'redis' }, 2);
    queue = new Queue('system', { connection: { url: testRedisUrl() }, prefix: `${cluster.env.REDIS_KEY_PREFIX}bull` });
  });

  afterAll(async () => {
    await queue?.close();
    await stopCluster(cluster);
  });

  sessionChecks(running);

  const completedBy = async () =>
    Promise.all(
      running().workerMetricPorts.map(async (port) => metricSum(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text(), 'jobs_completed_total', { job: 'system.ping' })),
    );

  it('runs 500 jobs exactly once, spread over both workers', async () => {
    const before = await completedBy();
    await queue!.addBulk(Array.from({ length: 500 }, (_, i) => ({ name: 'system.ping', data: { sentAt: Date.now() }, opts: { jobId: `batch1-${i}` } })));
    await waitFor(async () => (await queue!.getJobCounts('completed')).completed >= 500, 60_000, 100);
    const after = await completedBy();
    const ran = after.map((n, i) => n - before[i]);
    // Each worker counts the runs of its processor: together exactly 500, so none ran twice.
    expect(ran.reduce((a, b) => a + b, 0)).toBe(500);
    expect(ran.every((n) => n > 0)).toBe(true);
    expect(await queue!.getJobCounts('completed', 'failed', 'active', 'wait')).toEqual({ completed: 500, failed: 0, active: 0, wait: 0 });
  });

  it('fires a job scheduler once per period, not once per worker', async () => {
    // The declared schedulers: each once, though both workers upserted them at boot.
    const maintenance = new Queue('maintenance', { connection: { url: testRedisUrl() }, prefix: `${running().env.REDIS_KEY_PREFIX}bull` });
    try {
      const keys = (await maintenance.getJobSchedulers()).map((s) => s.key).sort();
      expect(keys).toEqual(Object.entries(JOBS).filter(([, job]) => 'schedule' in job && job.schedule).map(([name]) => name).sort());
    } finally {
      await maintenance.close();
    }
    const startedAt = Date.now();
    await queue!.upsertJobScheduler('cluster-tick', { every: 1000 }, { name: 'system.ping', data: { sentAt: 0 } });
    await new Promise((resolve) => setTimeout(resolve, 4500));
    await queue!.removeJobScheduler('cluster-tick');
    const elapsed = Date.now() - startedAt;
    await waitFor(async () => {
      const { active, wait } = await queue!.getJobCounts('active', 'wait');
      return active + wait === 0;
    }, 5000);
    const runs = (await queue!.getJobs(['completed'])).filter((job) => job.repeatJobKey === 'cluster-tick');
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(Math.floor(elapsed / 1000) + 1);
    expect(new Set(runs.map((job) => job.timestamp)).size).toBe(runs.length);
  });

  it('loses no job when a worker is killed with SIGKILL in the middle of them', async () => {
    const [survivor, victim] = running().workers;
    await queue!.addBulk(Array.from({ length: 1500 }, (_, i) => ({ name: 'system.ping', data: { sentAt: Date.now() }, opts: { jobId: `batch2-${i}` } })));
    const base = 500 + (await queue!.getJobs(['completed'])).filter((job) => job.repeatJobKey === 'cluster-tick').length;
    await waitFor(async () => (await queue!.getJobCounts('completed')).completed >= base + 100, 30_000, 10);
    expect(await victim.stop('SIGKILL')).toBe('SIGKILL');
    const atKill = await queue!.getJobCounts('completed', 'wait', 'active');
    expect(atKill.completed).toBeLessThan(base + 1500); // killed in the middle, not after
    await waitFor(async () => (await queue!.getJobCounts('completed')).completed >= base + 1500, 40_000, 100);
    expect(await queue!.getJobCounts('completed', 'failed', 'active', 'wait', 'delayed')).toEqual({
      completed: base + 1500,
      failed: 0,
      active: 0,
      wait: 0,
      delayed: 0,
    });
    // Some were in flight on the killed worker: taken over as stalled, then completed once more.
    const batch = (await queue!.getJobs(['completed'], 0, -1)).filter((job) => job.id?.startsWith('batch2-'));
    expect(batch).toHaveLength(1500);
    expect(batch.filter((job) => job.stalledCounter > 0).length).toBeGreaterThan(0);
    expect(survivor.process.child.exitCode).toBeNull();
  });

  it('restarts both apis one after the other under steady signed-in page views without a failed request', async () => {
    const [a, b] = running().apis;
    const admin = new ClusterBrowser(() => ({ A: request(`http://127.0.0.1:${a.port}`), B: request(`http://127.0.0.1:${b.port}`) }));
    expect((await admin.signIn('A', ADMIN, PASSWORD)).status).toBe(303);
    const load = new SteadyLoad([a.port, b.port], '/account', admin.sessionCookie!);
    try {
      await waitFor(() => load.served >= 20, 10_000);
      for (const api of [a, b]) {
        expect(await api.stop('SIGTERM')).toBe(0);
        await api.start();
        const served = load.served;
        await waitFor(() => load.served >= served + 20, 10_000);
      }
    } finally {
      await load.stop();
    }
    expect(load.failures).toEqual([]);
    expect(load.served).toBeGreaterThan(60);
  });
});

describe('two apis sharing one session directory (file sessions)', () => {
  let cluster: Cluster | undefined;
  let cacheDir: string | undefined;

  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'cluster-cache-'));
    cluster = await startCluster('cluster_file', { SESSION_STORE: 'file', CACHE_STORE: 'file', CACHE_DIR: cacheDir }, 0);
  });

  afterAll(async () => {
    await stopCluster(cluster);
    if (cacheDir) {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  sessionChecks(() => cluster!);
});
