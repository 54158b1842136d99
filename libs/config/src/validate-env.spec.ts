import { toAppConfig } from './app-config.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './project-root.js';
import { titleCase } from './sections/app.js';
import { defaultHashConcurrency } from './sections/auth.js';
import { validateEnv } from './validate-env.js';
import { LOCAL_ENV, PRODUCTION_ENV, problemsOf } from '../test/env-fixtures.js';

const packageName = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { name: string }).name;

describe('validateEnv', () => {
  it('starts a fresh clone with no variables but the prepared database (development defaults)', () => {
    const config = toAppConfig(validateEnv(LOCAL_ENV));
    expect(config.env).toBe('development');
    expect(config.http.port).toBe(3000);
    expect(config.http.baseUrl).toBe('http://localhost:3000');
    expect(config.http.acceptLoopbackOrigins).toBe(true);
    expect(config.app.name).toBe(titleCase(packageName));
    expect(config.mail.from).toBe(`${titleCase(packageName)} <no-reply@localhost>`);
    expect(config.database.url).toMatch(/^postgres:\/\/.+127\.0\.0\.1/);
    expect(config.database.runMigrations).toBe(true);
    expect(config.redis.url).toBeUndefined();
  });

  it('converts numbers and booleans explicitly', () => {
    const config = toAppConfig(validateEnv({ ...LOCAL_ENV, PORT: '8080', DATABASE_RUN_MIGRATIONS: 'false', LOG_PRETTY: 'no' }));
    expect(config.http.port).toBe(8080);
    expect(config.database.runMigrations).toBe(false);
    expect(config.log.pretty).toBe(false);
  });

  it('treats an empty value as unset', () => {
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, PORT: '' })).http.port).toBe(3000);
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

  it('bounds HEAP_GROWTH_PERCENT (0 leaves V8 alone; 75 by default)', () => {
    expect(toAppConfig(validateEnv(LOCAL_ENV)).memory.heapGrowthPercent).toBe(75);
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, HEAP_GROWTH_PERCENT: '0' })).memory.heapGrowthPercent).toBe(0);
    expect(problemsOf({ ...LOCAL_ENV, HEAP_GROWTH_PERCENT: '-5' }).join('\n')).toMatch(/HEAP_GROWTH_PERCENT must not be less than 0/);
    expect(problemsOf({ ...LOCAL_ENV, HEAP_GROWTH_PERCENT: '1000' }).join('\n')).toMatch(/HEAP_GROWTH_PERCENT must not be greater than 300/);
    expect(problemsOf({ ...LOCAL_ENV, HEAP_GROWTH_PERCENT: 'half' }).join('\n')).toMatch(/HEAP_GROWTH_PERCENT must be an integer/);
  });

  it('rejects an unknown NODE_ENV', () => {
    expect(problemsOf({ ...LOCAL_ENV, NODE_ENV: 'staging' })[0]).toMatch(/NODE_ENV must be one of/);
  });

  it('gives production no defaults for services and secrets', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual(
      expect.arrayContaining(['APP_BASE_URL is required', 'DATABASE_URL is required', 'SESSION_SECRET is required']),
    );
  });

  it('accepts a complete production environment', () => {
    const config = toAppConfig(validateEnv(PRODUCTION_ENV));
    expect(config.isProduction).toBe(true);
    expect(config.database.runMigrations).toBe(false);
  });

  it.each([
    ['the .env.example placeholder', 'development-only-session-secret-change-me'],
    ['a short secret', 'short-but-sixteen-chars'],
    ['a placeholder word', 'please-change-me-please-change-me-please'],
  ])('refuses %s as a production session secret', (_label, secret) => {
    expect(problemsOf({ ...PRODUCTION_ENV, SESSION_SECRET: secret }).join('\n')).toMatch(/SESSION_SECRET entry 1/);
  });

  it('checks every rotated secret, not just the newest', () => {
    const problems = problemsOf({ ...PRODUCTION_ENV, SESSION_SECRET: `${PRODUCTION_ENV.SESSION_SECRET},changeme-changeme-changeme-changeme` });
    expect(problems.join('\n')).toMatch(/SESSION_SECRET entry 2/);
  });

  it('splits rotated secrets newest first', () => {
    const config = toAppConfig(validateEnv({ ...LOCAL_ENV, SESSION_SECRET: 'newest-secret-0123456789, older-secret-0123456789' }));
    expect(config.session.secrets).toEqual(['newest-secret-0123456789', 'older-secret-0123456789']);
  });

  it('refuses plain http as the public URL in production', () => {
    expect(problemsOf({ ...PRODUCTION_ENV, APP_BASE_URL: 'http://app.example.org' })).toEqual(['APP_BASE_URL must use https:// in production']);
  });
});

describe('defaults derived from other variables', () => {
  it('derives APP_BASE_URL from PORT outside production', () => {
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, PORT: '4321' })).http.baseUrl).toBe('http://localhost:4321');
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, NODE_ENV: 'test', PORT: '4321' })).http.baseUrl).toBe('http://localhost:4321');
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, PORT: '4321', APP_BASE_URL: 'http://dev.test:8080/' })).http.baseUrl).toBe('http://dev.test:8080');
  });

  it('compares origins exactly in production', () => {
    const config = toAppConfig(validateEnv(PRODUCTION_ENV));
    expect(config.http.acceptLoopbackOrigins).toBe(false);
    expect(config.http.baseUrl).toBe('https://app.example.org');
  });

  it('names the product APP_NAME, by default after package.json, and signs local mail with it', () => {
    expect(titleCase('nest-starter')).toBe('Nest Starter');
    expect(titleCase('@acme/billing_portal')).toBe('Billing Portal');
    const named = toAppConfig(validateEnv({ ...LOCAL_ENV, APP_NAME: 'Acme Billing' }));
    expect(named.app.name).toBe('Acme Billing');
    expect(named.mail.from).toBe('Acme Billing <no-reply@localhost>');
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, APP_NAME: 'Acme, Inc.' })).mail.from).toBe('"Acme, Inc." <no-reply@localhost>');
    expect(toAppConfig(validateEnv({ ...PRODUCTION_ENV, APP_NAME: 'Acme' })).mail.from).toBe(PRODUCTION_ENV.MAIL_FROM);
    expect(problemsOf({ ...LOCAL_ENV, APP_NAME: 'Evil <x@y>' })).toEqual(['APP_NAME must be 1 to 80 characters, without <, >, ", \\ or line breaks']);
  });

  it('asks for DATABASE_URL only in production; elsewhere prepareEnvironment() must have filled it in', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toContain('DATABASE_URL is required');
    expect(problemsOf({})).toEqual([expect.stringMatching(/^DATABASE_URL is unset and no embedded PostgreSQL was prepared .*prepareEnvironment\(\)/)]);
    expect(problemsOf({ NODE_ENV: 'test' })).toHaveLength(1);
  });

  it('requires APP_BASE_URL and MAIL_FROM in production', () => {
    const problems = problemsOf({ ...PRODUCTION_ENV, APP_BASE_URL: '', MAIL_FROM: '' });
    expect(problems).toEqual(['APP_BASE_URL is required', 'MAIL_FROM is required']);
  });
});

describe('queue, worker and mail configuration', () => {
  it('runs from a fresh clone: no SMTP (outbox only), queue on PostgreSQL without REDIS_URL, error mails off', () => {
    const config = toAppConfig(validateEnv(LOCAL_ENV));
    expect(config.mail.smtp).toBeUndefined();
    expect(config.queue.backend).toBe('postgres');
    expect(config.mail.errorMails.enabled).toBe(false);
    expect(config.mail.from).toContain('@');
  });

  it('uses Redis for the queue when REDIS_URL is set, under the key prefix', () => {
    const config = toAppConfig(validateEnv({ ...LOCAL_ENV, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: 'app:' }));
    expect(config.queue).toMatchObject({ backend: 'redis', prefix: 'app:bull' });
  });

  it('refuses to start in production without SMTP or a sender', () => {
    const { SMTP_URL: _url, MAIL_FROM: _from, ...withoutMail } = PRODUCTION_ENV;
    expect(problemsOf(withoutMail)).toEqual([
      'MAIL_FROM is required',
      'SMTP_URL (or SMTP_HOST) is required in production: without it mail is only written to the outbox',
    ]);
  });

  it('accepts SMTP given as host, port and credentials', () => {
    const { SMTP_URL: _url, ...rest } = PRODUCTION_ENV;
    const config = toAppConfig(
      validateEnv({ ...rest, SMTP_HOST: 'smtp.example.org', SMTP_PORT: '587', SMTP_USER: 'u', SMTP_PASSWORD: 'p' }),
    );
    expect(config.mail.smtp).toEqual({ host: 'smtp.example.org', port: 587, secure: undefined, user: 'u', password: 'p' });
  });

  it('turns error mails on in production when admins are named, and refuses them without admins', () => {
    expect(toAppConfig(validateEnv({ ...PRODUCTION_ENV, ADMIN_EMAILS: 'a@example.org, b@example.org' })).mail).toMatchObject({
      adminEmails: ['a@example.org', 'b@example.org'],
      errorMails: { enabled: true, windowMs: 3_600_000 },
    });
    expect(toAppConfig(validateEnv(PRODUCTION_ENV)).mail.errorMails.enabled).toBe(false);
    expect(problemsOf({ ...LOCAL_ENV, ERROR_MAIL_ENABLED: 'true' })).toEqual(['ERROR_MAIL_ENABLED=true needs ADMIN_EMAILS']);
  });

  it('rejects malformed mail settings by name', () => {
    expect(problemsOf({ ...LOCAL_ENV, MAIL_FROM: 'nobody', ADMIN_EMAILS: 'a@example.org;b', SMTP_URL: 'http://x', QUEUE_BACKEND: 'redis' })).toEqual([
      'SMTP_URL must be an smtp:// or smtps:// URL',
      'MAIL_FROM must be an address, optionally with a display name: "Name <no-reply@example.org>"',
      'ADMIN_EMAILS must be a comma-separated list of email addresses',
      'QUEUE_BACKEND=redis needs REDIS_URL',
    ]);
  });
});

describe('completed jobs kept', () => {
  it('deletes completed jobs by default, keeps the newest N on Redis when asked', () => {
    expect(toAppConfig(validateEnv(LOCAL_ENV)).queue.keepCompleted).toBe(0);
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, REDIS_URL: 'redis://127.0.0.1:6379/0', QUEUE_KEEP_COMPLETED: '500' })).queue.keepCompleted).toBe(500);
  });

  it('refuses keeping them on PostgreSQL, and what is not a count', () => {
    expect(problemsOf({ ...LOCAL_ENV, QUEUE_KEEP_COMPLETED: '10' })).toEqual([
      'QUEUE_KEEP_COMPLETED must be 0 with the queue on PostgreSQL (set REDIS_URL to keep completed jobs)',
    ]);
    expect(problemsOf({ ...LOCAL_ENV, REDIS_URL: 'redis://127.0.0.1:6379/0', QUEUE_KEEP_COMPLETED: '-1' })).toEqual([
      'QUEUE_KEEP_COMPLETED must not be less than 0',
    ]);
  });
});

describe('password hashing concurrency', () => {
  it('defaults to one hash per available core, leaving a libuv thread for file I/O', () => {
    const config = toAppConfig(validateEnv(LOCAL_ENV));
    expect(config.auth.hashConcurrency).toBe(defaultHashConcurrency());
    expect(config.auth.hashConcurrency).toBeGreaterThanOrEqual(1);
    expect(config.auth.hashConcurrency).toBeLessThanOrEqual(3); // libuv's default pool is 4 threads
  });

  it('takes AUTH_HASH_CONCURRENCY when set, and rejects what is not a count', () => {
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, AUTH_HASH_CONCURRENCY: '6' })).auth.hashConcurrency).toBe(6);
    expect(problemsOf({ ...LOCAL_ENV, AUTH_HASH_CONCURRENCY: '0' })).toEqual(['AUTH_HASH_CONCURRENCY must not be less than 1']);
    expect(problemsOf({ ...LOCAL_ENV, AUTH_HASH_CONCURRENCY: 'many' })).toEqual(['AUTH_HASH_CONCURRENCY must be an integer number']);
  });
});

describe('session cookie name', () => {
  it.each(['sid', 'session', '__Secure-sid', '__host-sid'])(
    'refuses SESSION_COOKIE_NAME=%s in production (the __Host- prefix is required)',
    (name) => {
      expect(problemsOf({ ...PRODUCTION_ENV, SESSION_COOKIE_NAME: name }).join('\n')).toMatch(
        /SESSION_COOKIE_NAME must start with __Host- in production/,
      );
    },
  );

  it('accepts a __Host- name in production, and uses __Host-sid when unset', () => {
    expect(toAppConfig(validateEnv({ ...PRODUCTION_ENV, SESSION_COOKIE_NAME: '__Host-app' })).session.cookieName).toBe('__Host-app');
    expect(toAppConfig(validateEnv(PRODUCTION_ENV)).session.cookieName).toBe('__Host-sid');
  });

  it('lets development use any valid name', () => {
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, SESSION_COOKIE_NAME: 'sid' })).session.cookieName).toBe('sid');
  });
});

describe('audit retention', () => {
  it('keeps the audit trail a year by default, takes AUDIT_RETENTION_DAYS, and refuses what is not a count of days', () => {
    expect(toAppConfig(validateEnv(LOCAL_ENV)).auth.auditRetentionDays).toBe(365);
    expect(toAppConfig(validateEnv({ ...LOCAL_ENV, AUDIT_RETENTION_DAYS: '30' })).auth.auditRetentionDays).toBe(30);
    expect(problemsOf({ ...LOCAL_ENV, AUDIT_RETENTION_DAYS: '0' })).toEqual(['AUDIT_RETENTION_DAYS must not be less than 1']);
    expect(problemsOf({ ...LOCAL_ENV, AUDIT_RETENTION_DAYS: 'forever' })).toEqual([expect.stringMatching(/^AUDIT_RETENTION_DAYS /)]);
  });
});
