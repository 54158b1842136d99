import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestDatabase, freePort, hasMetric, labelValues, metricSum, testEnv, testRedisUrl, type TestDatabase } from '@app/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { startApi } from './support/api-harness.js';
import { FormClient } from './support/form-client.js';

const ADMIN = 'root@starter.test';
const ADMIN_PASSWORD = 'root-password-for-tests';

/**
 * The api's Prometheus metrics, scraped the two ways an operator can: the METRICS_PORT listener
 * and `/metrics` on the site with the bearer token. The registry is per process, so every check
 * compares a scrape after the traffic with one before it.
 */
describe('api metrics', () => {
  const token = randomBytes(24).toString('hex');
  let db: TestDatabase;
  let api: NestExpressApplication;
  let port: number;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await createTestDatabase('metrics_api');
    port = await freePort();
    const env = testEnv({
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      SESSION_STORE: 'redis',
      APP_BASE_URL: 'http://localhost:3000',
      SEED_ADMIN_EMAIL: ADMIN,
      SEED_ADMIN_PASSWORD: ADMIN_PASSWORD,
      // Two wrong passwords for one account, and the third attempt is refused unchecked.
      AUTH_MAX_FAILURES_PER_ACCOUNT: '2',
      METRICS_PORT: String(port),
      METRICS_TOKEN: token,
    });
    api = await startApi({ env });
    http = request(api.getHttpServer());
  });

  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const onPort = (headers: Record<string, string> = { authorization: `Bearer ${token}` }, path = '/metrics') =>
    fetch(`http://127.0.0.1:${port}${path}`, { headers });
  const scrape = async () => {
    const res = await onPort();
    expect(res.status).toBe(200);
    return res.text();
  };

  it('never answers without the token: 404 on the site, 401 on the metrics port', async () => {
    await http.get('/metrics').expect(404);
    await http.get('/metrics').set('Authorization', 'Bearer not-the-token').expect(404);
    await http.get('/metrics').set('Authorization', token).expect(404); // not a bearer header
    expect((await onPort({})).status).toBe(401);
    expect((await onPort({ authorization: `Bearer ${token}x` })).status).toBe(401);
    expect((await onPort({ authorization: `Bearer ${token}` }, '/other')).status).toBe(404);
    const docs = await http.get('/api/docs/openapi.json').expect(200);
    expect(Object.keys(docs.body.paths as object)).not.toContain('/metrics');
  });

  it('serves the same registry on the site with the token and on the port', async () => {
    const site = await http.get('/metrics').set('Authorization', `Bearer ${token}`).expect(200);
    expect(site.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(site.headers['set-cookie']).toBeUndefined(); // no session for a scrape
    expect(hasMetric(site.text, 'http_request_duration_seconds_count')).toBe(true);
    expect((await onPort()).headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('moves with the traffic: requests by route pattern, sign-ins, session store, database pool, event loop', async () => {
    const before = await scrape();
    const b = new FormClient(http);
    for (let i = 0; i < 3; i++) {
      expect((await b.get('/login')).status).toBe(200);
    }
    const stray = `/no-such-page-${randomBytes(4).toString('hex')}`;
    expect((await b.get(stray)).status).toBe(404);
    expect((await b.post('/login', { email: ADMIN, password: ADMIN_PASSWORD })).status).toBe(303);
    expect((await b.get('/account')).status).toBe(200);

    const guesser = new FormClient(http);
    await guesser.get('/login');
    const victim = `victim-${randomBytes(4).toString('hex')}@example.org`;
    for (let i = 0; i < 3; i++) {
      await guesser.post('/login', { email: victim, password: 'wrong password' });
    }
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string> = {}) => metricSum(after, name, labels) - metricSum(before, name, labels);
    expect(delta('http_request_duration_seconds_count', { method: 'GET', route: '/login', status: '200' })).toBe(4);
    expect(delta('http_request_duration_seconds_count', { method: 'POST', route: '/login', status: '303' })).toBe(1);
    expect(delta('http_request_duration_seconds_count', { method: 'GET', route: '/account', status: '200' })).toBe(1);
    expect(delta('http_request_duration_seconds_count', { route: 'unmatched', status: '404' })).toBe(1);
    // Patterns, never URLs: the stray path is nowhere among the labels.
    expect(labelValues(after, 'http_request_duration_seconds_count', 'route')).not.toContain(stray);

    expect(delta('sign_ins_total', { outcome: 'success' })).toBe(1);
    expect(delta('sign_ins_total', { outcome: 'failure' })).toBe(2);
    expect(delta('sign_ins_total', { outcome: 'throttled' })).toBe(1);

    expect(delta('session_store_operation_duration_seconds_count', { store: 'redis', operation: 'create', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(delta('session_store_operation_duration_seconds_count', { store: 'redis', operation: 'get', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(metricSum(after, 'session_store_errors_total')).toBe(0);

    // The pool is idle between requests; the gauges are there, with the connections it opened.
    expect(hasMetric(after, 'db_pool_connections', { state: 'in_use' })).toBe(true);
    expect(hasMetric(after, 'db_pool_connections', { state: 'waiting' })).toBe(true);
    expect(metricSum(after, 'db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1);
    expect(hasMetric(after, 'nodejs_eventloop_lag_seconds')).toBe(true);
    expect(metricSum(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('serves no /metrics on the site when no token is configured', async () => {
    const plain = await startApi({
      env: testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), DATABASE_RUN_MIGRATIONS: 'false' }),
    });
    try {
      await request(plain.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${token}`).expect(404);
    } finally {
      await plain.close();
    }
  });
});
