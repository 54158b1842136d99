/**
 * A complete, hermetic environment for an app under test: nothing is read from the developer's
 * `.env` or shell, so a test behaves the same on every machine.
 */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    LOG_PRETTY: 'false',
    DATABASE_RUN_MIGRATIONS: 'true',
    DATABASE_CONNECT_TIMEOUT_MS: '1500',
    SESSION_SECRET: 'test-secret-test-secret-test-secret',
    ...overrides,
  };
}
