import { createTestDatabase, spawnBuiltApp, testEnv, type TestDatabase } from '@app/testing';

describe('worker process', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('worker');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('starts without an HTTP listener, reports ready, and exits 0 on SIGTERM', async () => {
    const worker = spawnBuiltApp('worker', { ...testEnv({ DATABASE_URL: db.url }), LOG_LEVEL: 'info' });
    await worker.waitForOutput(/worker ready/);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(/worker stopped \(SIGTERM\)/);
  });

  it('refuses to start on bad configuration', async () => {
    const worker = spawnBuiltApp('worker', { NODE_ENV: 'test', DATABASE_URL: 'mysql://nope' });
    expect(await worker.exited).toBe(1);
    expect(worker.output()).toMatch(/worker cannot start\. Invalid configuration \(1 problem\):\n {2}- DATABASE_URL/);
  });
});
