import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase } from '@app/testing';
import { request as httpRequest, Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApi } from './support/api-harness.js';

interface Answer {
  status: number;
  connection: string | undefined;
  body: string;
}

function get(port: number, path: string, agent: Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The api's stop behind a load balancer (ApiDrain): from the moment shutdown starts, readiness is
 * 503 while requests are still served, each with `Connection: close`; the listener closes only
 * after HTTP_DRAIN_MS. (apps/api/test/cluster.e2e-spec.ts restarts real processes under load.)
 */
describe('graceful shutdown: drain before the listener closes', () => {
  let db: TestDatabase;
  let api: NestExpressApplication;
  const agent = new Agent({ keepAlive: true });

  beforeAll(async () => {
    db = await createTestDatabase('graceful_shutdown');
    api = await startApi({ env: testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl(), HTTP_DRAIN_MS: '1500' }) });
    await api.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    agent.destroy();
    await db?.drop();
  });

  it('answers 503 on readiness and keeps serving with Connection: close, then stops listening', async () => {
    const { port } = api.getHttpServer().address() as AddressInfo;
    const before = await get(port, '/health/ready', agent);
    expect(before.status).toBe(200);
    expect(before.connection).toBe('keep-alive');

    const closing = api.close();
    const startedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ready = await get(port, '/health/ready', agent);
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'shutting_down' });
    const page = await get(port, '/login', agent);
    expect(page.status).toBe(200);
    expect(page.connection).toBe('close');

    await closing;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1400);
    await expect(get(port, '/health/live', new Agent())).rejects.toThrow(/ECONNREFUSED/);
  });
});
