import { processEnv } from '@app/config';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The shared Redis the tests use (each test file isolates itself with its own key prefix). */
export function testRedisUrl(): string {
  return processEnv().TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
}

/**
 * A complete, hermetic environment for an app under test: nothing is read from the developer's
 * `.env` or shell, so a test behaves the same on every machine. Sessions go to a fresh
 * temporary directory and Redis keys under a fresh prefix, so parallel files never collide.
 */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const unique = randomBytes(6).toString('hex');
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    LOG_PRETTY: 'false',
    DATABASE_RUN_MIGRATIONS: 'true',
    DATABASE_CONNECT_TIMEOUT_MS: '1500',
    SESSION_SECRET: 'test-secret-test-secret-test-secret',
    SESSION_DIR: join(tmpdir(), `starter-sessions-${unique}`),
    CACHE_DIR: join(tmpdir(), `starter-cache-${unique}`),
    REDIS_KEY_PREFIX: `test:${unique}:`,
    ...overrides,
  };
}
