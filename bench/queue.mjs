// Queue and mail benchmark, run by `npm run bench` or alone: `node bench/queue.mjs`
// (after `npm run build`). Everything on loopback, in one process, against dist/:
//
// 1. No-op job throughput through our path (JobQueue.enqueue -> QueueWorkers -> PingProcessor, the
//    real worker app from dist/apps/worker) versus raw BullMQ (a bare Queue + Worker, defaults,
//    same concurrency), on Redis; rounds interleaved, medians reported.
// 2. The same two on BullMQ's PostgreSQL backend (the default when no REDIS_URL is set).
// 3. Mails per second: MailService.send -> queue -> worker -> nodemailer -> a local SMTP sink
//    (smtp-server), next to bare nodemailer (pooled) sending to the same sink.
//
// BENCH_JOBS (default 2000), BENCH_MAILS (default 300), BENCH_ROUNDS (default 3),
// BENCH_CONCURRENCY (default 10). Producers enqueue with 50 calls in flight, like 50 concurrent requests.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { benchDatabase, median, root } from './support.mjs';

const JOBS = Number(process.env.BENCH_JOBS ?? 2000);
const MAILS = Number(process.env.BENCH_MAILS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10);
// QUEUE_KEEP_COMPLETED for ours and for the raw pair with our options (0, the default: deleted at once).
const KEEP_COMPLETED = Number(process.env.BENCH_KEEP_COMPLETED ?? 0);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

const dist = (path) => import(join(root, 'dist', path));

/** Counts `completed` events on a BullMQ worker until `count` have fired. */
function completions(worker, count) {
  return new Promise((resolve) => {
    let done = 0;
    const onCompleted = () => {
      done += 1;
      if (done === count) {
        worker.off('completed', onCompleted);
        resolve();
      }
    };
    worker.on('completed', onCompleted);
  });
}

/** Runs `count` calls of `task` with at most `inFlight` pending at once (like many web requests). */
async function pooled(count, inFlight, task) {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next;
      next += 1;
      await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, lane));
}

const IN_FLIGHT = 50;

/** Jobs per second from the first enqueue to the last completion (50 producers at a time). */
async function timeJobs(worker, enqueueOne) {
  const finished = completions(worker, JOBS);
  const started = performance.now();
  await pooled(JOBS, IN_FLIGHT, enqueueOne);
  await finished;
  return JOBS / ((performance.now() - started) / 1000);
}

async function ourWorkerApp(env) {
  const { createWorkerApp } = await dist('apps/worker/src/create-worker-app.js');
  const app = await createWorkerApp({ env });
  await app.init();
  const { JobQueue, QueueWorkers } = await dist('libs/queue/src/index.js');
  const jobs = app.get(JobQueue);
  const system = app.get(QueueWorkers).running.find((w) => w.name === 'system');
  return { app, jobs, system };
}

function appEnv(databaseUrl, extra = {}) {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    LOG_PRETTY: 'false',
    DATABASE_URL: databaseUrl,
    DATABASE_RUN_MIGRATIONS: 'false',
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret',
    REDIS_KEY_PREFIX: `bench:${randomBytes(4).toString('hex')}:`,
    WORKER_CONCURRENCY: String(CONCURRENCY),
    QUEUE_KEEP_COMPLETED: String(KEEP_COMPLETED),
    ...extra,
  };
}

async function jobsBench(label, databaseUrl, redisUrl) {
  const bullmq = await import('bullmq');
  const ours = await ourWorkerApp(appEnv(databaseUrl, redisUrl ? { REDIS_URL: redisUrl } : {}));
  // Raw BullMQ on the same store: a bare Queue and Worker, default options, same concurrency.
  const rawName = `raw${randomBytes(3).toString('hex')}`;
  const connection = redisUrl
    ? { url: redisUrl, maxRetriesPerRequest: null }
    : { connectionString: databaseUrl, schema: 'bullmq', migrate: true };
  const { Queue, Worker } = redisUrl ? bullmq : bullmq.withBackend(bullmq.createPostgresBackend);
  const prefix = `bench${randomBytes(3).toString('hex')}`;
  const rawQueue = new Queue(rawName, { connection, prefix });
  const rawWorker = new Worker(rawName, async (job) => ({ latencyMs: Date.now() - job.data.sentAt }), {
    connection,
    prefix,
    concurrency: CONCURRENCY,
  });
  await rawWorker.waitUntilReady();
  // Raw BullMQ again with our job defaults (retries, completed jobs trimmed to 1000, failed kept),
  // to tell the cost of that policy from the cost of our code.
  const { defaultJobOptions } = await dist('libs/queue/src/index.js');
  const policy = defaultJobOptions({
    queue: { attempts: 5, backoffMs: 5000, keepCompleted: KEEP_COMPLETED, backend: redisUrl ? 'redis' : 'postgres' },
  });
  const tunedName = `${rawName}t`;
  const tunedQueue = new Queue(tunedName, { connection, prefix, defaultJobOptions: policy });
  const tunedWorker = new Worker(tunedName, async (job) => ({ latencyMs: Date.now() - job.data.sentAt }), {
    connection,
    prefix,
    concurrency: CONCURRENCY,
  });
  await tunedWorker.waitUntilReady();

  const results = { ours: [], raw: [], tuned: [] };
  // One warm-up round each (JIT, connection pools, scripts loaded), then interleaved rounds.
  // The order alternates, so neither side always runs on a warmer (or more loaded) machine.
  const runOurs = () => timeJobs(ours.system, () => ours.jobs.enqueue('system.ping', { sentAt: Date.now() }));
  const runRaw = () => timeJobs(rawWorker, () => rawQueue.add('ping', { sentAt: Date.now() }));
  const runTuned = () => timeJobs(tunedWorker, () => tunedQueue.add('ping', { sentAt: Date.now() }));
  for (let round = 0; round <= ROUNDS; round += 1) {
    const t = {};
    if (round % 2 === 0) {
      t.ours = await runOurs();
      t.raw = await runRaw();
      t.tuned = await runTuned();
    } else {
      t.tuned = await runTuned();
      t.raw = await runRaw();
      t.ours = await runOurs();
    }
    if (round > 0) {
      results.ours.push(t.ours);
      results.raw.push(t.raw);
      results.tuned.push(t.tuned);
    }
  }
  await tunedWorker.close();
  await tunedQueue.obliterate({ force: true }).catch(() => undefined);
  await tunedQueue.close();
  await rawWorker.close();
  await rawQueue.obliterate({ force: true }).catch(() => undefined);
  await rawQueue.close();
  await ours.jobs
    .queue('system')
    .obliterate({ force: true })
    .catch(() => undefined);
  await ours.app.close();
  const o = median(results.ours);
  const r = median(results.raw);
  const t = median(results.tuned);
  const rounds = (list) => list.map(Math.round).join('/');
  console.log(
    `${label.padEnd(9)} ours ${Math.round(o)} jobs/s | raw BullMQ ${Math.round(r)} jobs/s (ours/raw ${(o / r).toFixed(2)}x) | ` +
      `raw BullMQ with our job options ${Math.round(t)} jobs/s (ours/that ${(o / t).toFixed(2)}x)\n` +
      `          ${JOBS} no-op jobs, concurrency ${CONCURRENCY}, rounds ours ${rounds(results.ours)}, raw ${rounds(results.raw)}, raw+options ${rounds(results.tuned)}`,
  );
  return { ours: o, raw: r, tuned: t };
}

async function smtpSink() {
  const { SMTPServer } = await import('smtp-server');
  let received = 0;
  const waiters = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        callback();
        for (const w of waiters) {
          w();
        }
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${server.server.address().port}`,
    reached: (count) =>
      new Promise((resolve) => {
        const check = () => received >= count && resolve();
        waiters.push(check);
        check();
      }),
    get received() {
      return received;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

async function mailBench(databaseUrl) {
  const sink = await smtpSink();
  const { app } = await ourWorkerApp(appEnv(databaseUrl, { REDIS_URL: REDIS_URL, SMTP_URL: sink.url, MAIL_FROM: 'bench@example.org' }));
  const { MailService } = await dist('libs/mail/src/index.js');
  const mail = app.get(MailService);
  const send = (i) => mail.send('test', `user${i}@example.org`, { requestedAt: new Date().toISOString() });

  await pooled(20, IN_FLIGHT, send); // warm-up
  await sink.reached(20);
  let base = sink.received;
  let started = performance.now();
  await pooled(MAILS, IN_FLIGHT, send);
  await sink.reached(base + MAILS);
  const ours = MAILS / ((performance.now() - started) / 1000);
  await app.close();

  // Bare nodemailer, pooled like ours (up to min(concurrency, 5) connections), same rendered size.
  const nodemailer = (await import('nodemailer')).default;
  const transport = nodemailer.createTransport({ url: sink.url, pool: true, maxConnections: Math.min(CONCURRENCY, 5) });
  const body = 'x'.repeat(1500);
  base = sink.received;
  started = performance.now();
  await pooled(MAILS, IN_FLIGHT, (i) =>
    transport.sendMail({ from: 'bench@example.org', to: `user${i}@example.org`, subject: 'Test mail', text: body, html: `<p>${body}</p>` }),
  );
  await sink.reached(base + MAILS);
  const raw = MAILS / ((performance.now() - started) / 1000);
  transport.close();
  await sink.close();
  console.log(
    `mail       ours ${Math.round(ours)} mails/s (MailService.send -> outbox -> queue -> worker -> SMTP sink), ` +
      `bare nodemailer ${Math.round(raw)} mails/s (${MAILS} mails)`,
  );
  return { ours, raw };
}

export async function queueBench() {
  console.log(`\n== Queue and mail ==`);
  const db = await benchDatabase('queue');
  try {
    const only = process.env.BENCH_ONLY; // redis | postgres | mail: one part only
    const redis = !only || only === 'redis' ? await jobsBench('redis', db.url, REDIS_URL) : undefined;
    const postgres = !only || only === 'postgres' ? await jobsBench('postgres', db.url, undefined) : undefined;
    if (only && only !== 'mail') {
      return { redis, postgres };
    }
    const bullmq = await import('bullmq');
    bullmq.setDefaultBackendFactory(undefined); // back to Redis for the mail bench
    const mail = await mailBench(db.url);
    if (redis) {
      const met = redis.ours >= 0.9 * redis.raw;
      console.log(`target: ours >= 0.9x raw BullMQ on Redis: ${met ? 'met' : 'NOT met'} (${(redis.ours / redis.raw).toFixed(2)}x)`);
    }
    return { redis, postgres, mail };
  } finally {
    await db.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await queueBench();
  process.exit(0);
}
