import { isAbsolute } from 'node:path';
import { toAppConfig } from '../app-config.js';
import { ConfigValidationError } from '../config-validation.error.js';
import { validateEnv } from '../validate-env.js';

const LOCAL = { DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:54321/starter' };
const PROD_OK = {
  NODE_ENV: 'production',
  APP_BASE_URL: 'https://app.example.org',
  DATABASE_URL: 'postgres://app:pw@db:5432/app',
  SESSION_SECRET: 'Jx0l9V2qk3mJmQ1Pz7cYb8e4W5rT6uI0oP9aS8dF7gH6',
  SMTP_URL: 'smtps://mailer:pw@smtp.example.org:465',
  MAIL_FROM: 'App <no-reply@example.org>',
  AUTH_TOTP_ENCRYPTION_KEY: 'q0N1oG8y3f1Yv9bq1m3Jw5ZxK2pT7rL4sE6dH8cU0aI=',
};

function problemsOf(raw: Record<string, string>): string[] {
  try {
    validateEnv(raw);
  } catch (error) {
    return (error as ConfigValidationError).problems;
  }
  return [];
}

describe('cache config section', () => {
  it('follows the sessions: redis when REDIS_URL is set, files otherwise', () => {
    expect(toAppConfig(validateEnv(LOCAL)).cache).toMatchObject({ store: 'file', fileMaxBytes: 64 * 1024 * 1024, userTtlMs: 300_000 });
    expect(isAbsolute(toAppConfig(validateEnv(LOCAL)).cache.dir)).toBe(true);
    expect(toAppConfig(validateEnv({ ...LOCAL, REDIS_URL: 'redis://127.0.0.1:6379/0' })).cache.store).toBe('redis');
    expect(toAppConfig(validateEnv({ ...LOCAL, REDIS_URL: 'redis://127.0.0.1:6379/0', CACHE_STORE: 'none' })).cache.store).toBe('none');
  });

  it('refuses CACHE_STORE=redis without REDIS_URL, memory in production, and bad numbers, each by name', () => {
    expect(problemsOf({ ...LOCAL, CACHE_STORE: 'redis' })).toEqual(['CACHE_STORE=redis needs REDIS_URL']);
    expect(problemsOf({ ...PROD_OK, CACHE_STORE: 'memory' }).join('\n')).toMatch(/CACHE_STORE=memory is for unit tests only/);
    expect(problemsOf({ ...LOCAL, CACHE_STORE: 'memory' })).toEqual([]);
    const bad = problemsOf({ ...LOCAL, CACHE_STORE: 'disk', CACHE_FILE_MAX_MB: '0', CACHE_USER_TTL_SECONDS: 'soon' }).join('\n');
    for (const name of ['CACHE_STORE', 'CACHE_FILE_MAX_MB', 'CACHE_USER_TTL_SECONDS']) {
      expect(bad).toMatch(new RegExp(`${name} `));
    }
  });
});
