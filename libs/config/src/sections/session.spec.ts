import { ConfigValidationError } from '../config-validation.error.js';
import { toAppConfig } from '../app-config.js';
import { validateEnv } from '../validate-env.js';

const PROD_OK = {
  NODE_ENV: 'production',
  APP_BASE_URL: 'https://app.example.org',
  DATABASE_URL: 'postgres://app:pw@db:5432/app',
  SESSION_SECRET: 'Jx0l9V2qk3mJmQ1Pz7cYb8e4W5rT6uI0oP9aS8dF7gH6',
  SMTP_URL: 'smtps://mailer:pw@smtp.example.org:465',
  MAIL_FROM: 'App <no-reply@example.org>',
};
const LOCAL = { DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:54321/starter' };

function problemsOf(raw: Record<string, string>): string[] {
  try {
    validateEnv(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  return [];
}

describe('session config section', () => {
  it.each(['sid', 'session', '__Secure-sid', '__host-sid'])(
    'refuses SESSION_COOKIE_NAME=%s in production (the __Host- prefix is required)',
    (name) => {
      expect(problemsOf({ ...PROD_OK, SESSION_COOKIE_NAME: name }).join('\n')).toMatch(
        /SESSION_COOKIE_NAME must start with __Host- in production/,
      );
    },
  );

  it('accepts a __Host- name in production, and uses __Host-sid when unset', () => {
    expect(problemsOf({ ...PROD_OK, SESSION_COOKIE_NAME: '__Host-app' })).toEqual([]);
    expect(toAppConfig(validateEnv({ ...PROD_OK, SESSION_COOKIE_NAME: '__Host-app' })).session.cookieName).toBe('__Host-app');
    expect(toAppConfig(validateEnv(PROD_OK)).session.cookieName).toBe('__Host-sid');
  });

  it('lets development use any valid name', () => {
    expect(toAppConfig(validateEnv({ ...LOCAL, SESSION_COOKIE_NAME: 'sid' })).session.cookieName).toBe('sid');
  });
});
