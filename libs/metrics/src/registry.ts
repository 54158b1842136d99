import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * One registry per process, on purpose: what Prometheus scrapes is a process (its event loop, its
 * memory, its pool), and the code that counts (a session store, a login check, a job runner) sits
 * in libs that should not need a metrics service injected to add one line. Tests that boot several
 * apps in one process therefore compare deltas, never absolute values.
 */
export const registry = new Registry();

let defaultsStarted = false;

/** Node's own metrics (event-loop lag, heap, RSS, GC, handles), started once per process. */
export function startDefaultMetrics(): void {
  if (!defaultsStarted) {
    defaultsStarted = true;
    collectDefaultMetrics({ register: registry });
  }
}

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Label `route` is Nest's route pattern (`/admin/users/:id`), or `unmatched`: bounded by the code, not by URLs. */
export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status, from the first middleware to the last byte',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const sessionStoreDuration = new Histogram({
  name: 'session_store_operation_duration_seconds',
  help: 'Session store operations (get, create, set, touch, destroy, ...) by store and outcome',
  labelNames: ['store', 'operation', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
});

export const sessionStoreErrors = new Counter({
  name: 'session_store_errors_total',
  help: 'Session store operations that failed (backing service down, disk error): each one was a 503',
  labelNames: ['store', 'operation'] as const,
  registers: [registry],
});

/** `hit`, `miss` (absent, expired, invalidated, or the backend down), `error` (a failed backend operation). */
export const cacheOperations = new Counter({
  name: 'cache_operations_total',
  help: 'Application cache (libs/cache) reads by result, and failed backend operations',
  labelNames: ['backend', 'result'] as const,
  registers: [registry],
});

export const cacheOutages = new Counter({
  name: 'cache_outages_total',
  help: 'Times the application cache backend went from answering to failing (reads then go to the source)',
  labelNames: ['backend'] as const,
  registers: [registry],
});

/** `success`: right password; `failure`: wrong password or unknown/disabled account; `throttled`: refused before checking. */
export const signIns = new Counter({
  name: 'sign_ins_total',
  help: 'Password checks at sign-in by outcome',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

export const jobsCompleted = new Counter({
  name: 'jobs_completed_total',
  help: 'Job runs that succeeded, by job name',
  labelNames: ['job'] as const,
  registers: [registry],
});

/** Each failed attempt counts; a job retried three times before succeeding adds 3 here and 1 to completed. */
export const jobsFailed = new Counter({
  name: 'jobs_failed_total',
  help: 'Job attempts that threw, by job name',
  labelNames: ['job'] as const,
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'job_duration_seconds',
  help: 'Time in the job processor by job name and outcome',
  labelNames: ['job', 'outcome'] as const,
  buckets: [...SECONDS, 30, 60, 300],
  registers: [registry],
});

export const schedulerRuns = new Counter({
  name: 'job_scheduler_runs_total',
  help: 'Runs of scheduled jobs (one per period across all workers), by scheduler',
  labelNames: ['scheduler'] as const,
  registers: [registry],
});

