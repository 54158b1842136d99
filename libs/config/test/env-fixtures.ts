import { ConfigSourceError } from '../src/config-source.error.js';
import { ConfigValidationError } from '../src/config-validation.error.js';
import { validateEnv } from '../src/validate-env.js';

/** Shared by the config specs (not part of the @app/config barrel). */

/** What the entry points validate in development: prepareEnvironment() has filled in the embedded database's URL. */
export const LOCAL_ENV = { DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:54321/starter' };

/** A complete production environment that validateEnv accepts: each spec spoils one thing in a copy. */
export const PRODUCTION_ENV = {
  NODE_ENV: 'production',
  APP_BASE_URL: 'https://app.example.org',
  DATABASE_URL: 'postgres://app:pw@db:5432/app',
  SESSION_SECRET: 'Jx0l9V2qk3mJmQ1Pz7cYb8e4W5rT6uI0oP9aS8dF7gH6',
  SMTP_URL: 'smtps://mailer:pw@smtp.example.org:465',
  MAIL_FROM: 'App <no-reply@example.org>',
  AUTH_TOTP_ENCRYPTION_KEY: 'q0N1oG8y3f1Yv9bq1m3Jw5ZxK2pT7rL4sE6dH8cU0aI=',
};

/** The problems validateEnv lists for `raw` (a ConfigValidationError), or [] when it accepts it. */
export function problemsOf(raw: Record<string, string>): string[] {
  try {
    validateEnv(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).problems;
  }
  return [];
}

/** The message a configuration source refused with: a ConfigSourceError, on one line (it is printed at boot). */
export async function sourceRefusalOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigSourceError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  return message;
}
