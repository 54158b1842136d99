import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestDatabase, TcpProxy, testEnv, waitFor, withHostPort, type TestDatabase } from '@app/testing';
import request from 'supertest';
import { startApi } from './support/api-harness.js';

/**
 * PostgreSQL "goes down" for this app only: its connections run through a loopback proxy that
 * the test cuts. The shared server keeps running for every other test.
 */
describe('database outage', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let app: NestExpressApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    db = await createTestDatabase('outage');
    const target = new URL(db.url);
    proxy = await new TcpProxy(target.hostname, Number(target.port || 5432)).start();
    app = await startApi({
      env: testEnv({ DATABASE_URL: withHostPort(db.url, '127.0.0.1', proxy.port), DATABASE_CONNECT_TIMEOUT_MS: '1000' }),
    });
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.stop();
    await db?.drop();
  });

  it('is ready while the database answers', async () => {
    const res = await http.get('/health/ready').expect(200);
    expect(res.body.details.database.status).toBe('up');
    await http.get('/status').expect(200);
  });

  it('reports 503 within a few seconds when the database goes away, and stays alive', async () => {
    await proxy.cut();

    const started = Date.now();
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error.database.status).toBe('down');
    expect(Date.now() - started).toBeLessThan(3000);

    const page = await http.get('/status').set('Accept', 'text/html');
    expect(page.status).toBe(503);
    expect(page.text).toContain('Service unavailable');
    expect(page.headers['retry-after']).toBe('5');

    const api = await http.get('/status').set('Accept', 'application/json');
    expect(api.status).toBe(503);
    expect(api.body.code).toBe('service_unavailable');

    // Pages that need no database keep working.
    await http.get('/').expect(200);
    await http.get('/health/live').expect(200);
  });

  it('recovers by itself when the database returns', async () => {
    await proxy.restore();
    await waitFor(async () => (await http.get('/health/ready')).status === 200, 10000, 200);
    const res = await http.get('/status').expect(200);
    expect(res.text).toContain('Init1764220000000');
  });
});
