import { jest } from '@jest/globals';
import { createTestDatabase, testEnv, testRedisUrl, type TestDatabase, runCli } from '@app/testing';

jest.setTimeout(60000);

/** The built CLI (`npm run cli -- ...`) as a user runs it. */
describe('cli', () => {
  let db: TestDatabase;
  let env: Record<string, string | undefined>;

  beforeAll(async () => {
    db = await createTestDatabase('cli');
    env = testEnv({ DATABASE_URL: db.url, REDIS_URL: testRedisUrl() });
  });

  afterAll(async () => {
    await db?.drop();
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['mail:test'], /missing required argument 'to'/],
    [['mail:test', 'not-an-address'], /"not-an-address" is not an email address/],
    [['jobs:retry', 'x', '--all'], /give job ids or --all, not both/],
    [['mail:outbox', '--colour'], /unknown option '--colour'/],
  ])('rejects %j with a one-line message and exit code 2', async (args, message) => {
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).toBe('');
  });

  it('queues a test mail and shows it in the outbox', async () => {
    const queued = await runCli(['mail:test', 'ops@example.org'], env);
    expect(queued.code).toBe(0);
    const id = /queued test mail (\S+) to ops@example\.org/.exec(queued.stdout)?.[1];
    expect(id).toBeDefined();
    expect(queued.stdout).toContain('no SMTP configured');

    const outbox = await runCli(['mail:outbox'], env);
    expect(outbox.code).toBe(0);
    expect(outbox.stdout).toMatch(new RegExp(`${id}\\s+\\S+\\s+queued\\s+0\\s+ops@example\\.org`));
  });

  it('prints help and exits 0', async () => {
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/jobs:retry/);
  });
});
