import { createTestDatabase, freePort, spawnBuiltApp, testEnv, type TestDatabase } from '@app/testing';

describe('api process start', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('startup');
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('refuses to start on bad configuration, listing every problem once', async () => {
    const app = spawnBuiltApp('api', { NODE_ENV: 'production', PORT: 'http', LOG_LEVEL: 'chatty' });
    expect(await app.exited).toBe(1);
    const out = app.output();
    expect(out).toContain('api cannot start. Invalid configuration (8 problems)');
    for (const name of ['PORT', 'LOG_LEVEL', 'APP_BASE_URL', 'DATABASE_URL', 'SESSION_SECRET', 'MAIL_FROM', 'SMTP_URL', 'AUTH_TOTP_ENCRYPTION_KEY']) {
      expect(out).toMatch(new RegExp(`- ${name} `));
    }
    expect(out.match(/Invalid configuration/g)).toHaveLength(1);
    expect(out).not.toMatch(/at .*\.js:\d+/); // a config problem is not a crash: no stack trace
  });

  it('refuses a placeholder secret in production', async () => {
    const app = spawnBuiltApp('api', {
      NODE_ENV: 'production',
      APP_BASE_URL: 'https://example.org',
      DATABASE_URL: db.url,
      SESSION_SECRET: 'development-only-session-secret-change-me',
    });
    expect(await app.exited).toBe(1);
    expect(app.output()).toMatch(/SESSION_SECRET entry 1 must be a generated secret/);
  });

  it('starts, serves, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const app = spawnBuiltApp('api', { ...testEnv({ DATABASE_URL: db.url, PORT: String(port) }), LOG_LEVEL: 'info' });
    await app.waitForOutput(/listening on/);
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(res.status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });
});
