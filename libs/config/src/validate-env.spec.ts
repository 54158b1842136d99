import { ConfigValidationError } from './config-validation.error.js';
import { toAppConfig } from './app-config.js';
import { validateEnv } from './validate-env.js';

const PROD_OK = {
  NODE_ENV: 'production',
  APP_BASE_URL: 'https://app.example.org',
  DATABASE_URL: 'postgres://app:pw@db:5432/app',
  SESSION_SECRET: 'Jx0l9V2qk3mJmQ1Pz7cYb8e4W5rT6uI0oP9aS8dF7gH6',
  SMTP_URL: 'smtps://mailer:pw@smtp.example.org:465',
  MAIL_FROM: 'App <no-reply@example.org>',
};

function problemsOf(raw: Record<string, string>): string[] {
  try {
    validateEnv(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  throw new Error('expected validation to fail');
}

describe('validateEnv', () => {
  it('starts a fresh clone with no variables at all (development defaults)', () => {
    const config = toAppConfig(validateEnv({}));
    expect(config.env).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.database.url).toMatch(/^postgres:\/\/.+127\.0\.0\.1/);
    expect(config.database.runMigrations).toBe(true);
    expect(config.redis.url).toBeUndefined();
  });

  it('converts numbers and booleans explicitly', () => {
    const config = toAppConfig(validateEnv({ PORT: '8080', DATABASE_RUN_MIGRATIONS: 'false', LOG_PRETTY: 'no' }));
    expect(config.http.port).toBe(8080);
    expect(config.database.runMigrations).toBe(false);
    expect(config.log.pretty).toBe(false);
  });

  it('treats an empty value as unset', () => {
    expect(toAppConfig(validateEnv({ PORT: '' })).http.port).toBe(3000);
  });

  it('lists every problem at once, one line per variable', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      DATABASE_RUN_MIGRATIONS: 'maybe',
      REDIS_URL: 'localhost:6379',
      LOG_LEVEL: 'loud',
      TRUST_PROXY_HOPS: '-1',
    });
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/PORT must be an integer/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL must be a postgres:\/\/ connection URL/);
    expect(problems.join('\n')).toMatch(/DATABASE_RUN_MIGRATIONS must be a boolean/);
    expect(problems.join('\n')).toMatch(/REDIS_URL must be a redis:\/\//);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    expect(problems.join('\n')).toMatch(/TRUST_PROXY_HOPS must not be less than 0/);
  });

  it('rejects an unknown NODE_ENV', () => {
    expect(problemsOf({ NODE_ENV: 'staging' })[0]).toMatch(/NODE_ENV must be one of/);
  });

  it('gives production no defaults for services and secrets', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual(
      expect.arrayContaining(['APP_BASE_URL is required', 'DATABASE_URL is required', 'SESSION_SECRET is required']),
    );
  });

  it('accepts a complete production environment', () => {
    const config = toAppConfig(validateEnv(PROD_OK));
    expect(config.isProduction).toBe(true);
    expect(config.database.runMigrations).toBe(false);
  });

  it.each([
    ['the .env.example placeholder', 'development-only-session-secret-change-me'],
    ['a short secret', 'short-but-sixteen-chars'],
    ['a placeholder word', 'please-change-me-please-change-me-please'],
  ])('refuses %s as a production session secret', (_label, secret) => {
    expect(problemsOf({ ...PROD_OK, SESSION_SECRET: secret }).join('\n')).toMatch(/SESSION_SECRET entry 1/);
  });

  it('checks every rotated secret, not just the newest', () => {
    const problems = problemsOf({ ...PROD_OK, SESSION_SECRET: `${PROD_OK.SESSION_SECRET},changeme-changeme-changeme-changeme` });
    expect(problems.join('\n')).toMatch(/SESSION_SECRET entry 2/);
  });

  it('splits rotated secrets newest first', () => {
    const config = toAppConfig(validateEnv({ SESSION_SECRET: 'newest-secret-0123456789, older-secret-0123456789' }));
    expect(config.session.secrets).toEqual(['newest-secret-0123456789', 'older-secret-0123456789']);
  });

  it('refuses plain http as the public URL in production', () => {
    expect(problemsOf({ ...PROD_OK, APP_BASE_URL: 'http://app.example.org' })).toEqual([
      'APP_BASE_URL must use https:// in production',
    ]);
  });
});
