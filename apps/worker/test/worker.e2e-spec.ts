import { jest } from '@jest/globals';
import { createTestDatabase, spawnBuiltApp, testEnv, type TestDatabase } from '@app/testing';

// A real process on a shared 2-core machine; jest's per-project testTimeout is not applied (it is a
// global option), so the bound is set here.
jest.setTimeout(60000);

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
    await worker.waitForOutput(/worker ready/, 30000);
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
