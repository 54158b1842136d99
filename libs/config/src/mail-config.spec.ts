import { ConfigValidationError } from './config-validation.error.js';
import { toAppConfig } from './app-config.js';
import { validateEnv } from './validate-env.js';

const PROD = {
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
    return [];
  } catch (error) {
    return (error as ConfigValidationError).problems;
  }
}

describe('queue, worker and mail configuration', () => {
  it('runs from a fresh clone: no SMTP (outbox only), queue on PostgreSQL without REDIS_URL, error mails off', () => {
    const config = toAppConfig(validateEnv({}));
    expect(config.mail.smtp).toBeUndefined();
    expect(config.queue.backend).toBe('postgres');
    expect(config.mail.errorMails.enabled).toBe(false);
    expect(config.mail.from).toContain('@');
  });

  it('uses Redis for the queue when REDIS_URL is set, under the key prefix', () => {
    const config = toAppConfig(validateEnv({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'app:' }));
    expect(config.queue).toMatchObject({ backend: 'redis', prefix: 'app:bull' });
  });

  it('refuses to start in production without SMTP or a sender', () => {
    const { SMTP_URL: _url, MAIL_FROM: _from, ...withoutMail } = PROD;
    expect(problemsOf(withoutMail)).toEqual([
      'MAIL_FROM is required',
      'SMTP_URL (or SMTP_HOST) is required in production: without it mail is only written to the outbox',
    ]);
  });

  it('accepts SMTP given as host, port and credentials', () => {
    const { SMTP_URL: _url, ...rest } = PROD;
    const config = toAppConfig(validateEnv({ ...rest, SMTP_HOST: 'smtp.example.org', SMTP_PORT: '587', SMTP_USER: 'u', SMTP_PASSWORD: 'p' }));
    expect(config.mail.smtp).toEqual({ host: 'smtp.example.org', port: 587, secure: undefined, user: 'u', password: 'p' });
  });

  it('turns error mails on in production when admins are named, and refuses them without admins', () => {
    expect(toAppConfig(validateEnv({ ...PROD, ADMIN_EMAILS: 'a@example.org, b@example.org' })).mail).toMatchObject({
      adminEmails: ['a@example.org', 'b@example.org'],
      errorMails: { enabled: true, windowMs: 3_600_000 },
    });
    expect(toAppConfig(validateEnv(PROD)).mail.errorMails.enabled).toBe(false);
    expect(problemsOf({ ERROR_MAIL_ENABLED: 'true' })).toEqual(['ERROR_MAIL_ENABLED=true needs ADMIN_EMAILS']);
  });

  it('rejects malformed mail settings by name', () => {
    expect(problemsOf({ MAIL_FROM: 'nobody', ADMIN_EMAILS: 'a@example.org;b', SMTP_URL: 'http://x', QUEUE_BACKEND: 'redis' })).toEqual([
      'SMTP_URL must be an smtp:// or smtps:// URL',
      'MAIL_FROM must be an address, optionally with a display name: "Name <no-reply@example.org>"',
      'ADMIN_EMAILS must be a comma-separated list of email addresses',
      'QUEUE_BACKEND=redis needs REDIS_URL',
    ]);
  });
});
