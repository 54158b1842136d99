import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type { AppVariables } from './app.js';
import { isProduction, type NodeEnvVariables } from './node-env.js';
import { splitList, toBool, toInt } from './parse.js';
import { defineSection, type Defaults } from './section.js';
import { Secret } from './secret.js';

export class MailVariables {
  @Secret()
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  @IsOptional()
  @IsString()
  SMTP_HOST?: string;

  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(65535)
  @IsInt()
  SMTP_PORT?: number;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  SMTP_SECURE?: boolean;

  @IsOptional()
  @IsString()
  SMTP_USER?: string;

  @Secret()
  @IsOptional()
  @IsString()
  SMTP_PASSWORD?: string;

  @Transform(toInt)
  @Min(1000)
  @Max(600000)
  @IsInt()
  SMTP_TIMEOUT_MS: number;

  /** `address@example.org` or `Display Name <address@example.org>`. Unset outside production: `<APP_NAME> <no-reply@localhost>`. */
  @IsOptional()
  @Matches(/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, {
    message: 'must be an address, optionally with a display name: "Name <no-reply@example.org>"',
  })
  MAIL_FROM?: string;

  /** Comma-separated; they receive error reports (the Flask starter's ADMINS). */
  @IsOptional()
  @Matches(/^\s*[\w.%+-]+@[\w.-]+(\s*,\s*[\w.%+-]+@[\w.-]+)*\s*$/, { message: 'must be a comma-separated list of email addresses' })
  ADMIN_EMAILS?: string;

  /** Unset: on in production when ADMIN_EMAILS is set, off otherwise. */
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  ERROR_MAIL_ENABLED?: boolean;

  @Transform(toInt)
  @Min(1)
  @Max(604800)
  @IsInt()
  ERROR_MAIL_WINDOW_SECONDS: number;

  @Transform(toInt)
  @Min(1)
  @Max(3650)
  @IsInt()
  OUTBOX_RETENTION_DAYS: number;
}

export interface MailConfig {
  /** undefined: no SMTP (development): mail is only written to the outbox. */
  readonly smtp:
    | { readonly url: string }
    | { readonly host: string; readonly port?: number; readonly secure?: boolean; readonly user?: string; readonly password?: string }
    | undefined;
  readonly timeoutMs: number;
  readonly from: string;
  readonly adminEmails: readonly string[];
  readonly errorMails: { readonly enabled: boolean; readonly windowMs: number };
  readonly outboxRetentionDays: number;
}

type Env = MailVariables & Pick<AppVariables, 'APP_NAME'> & NodeEnvVariables;

function check(env: Env): string[] {
  const problems: string[] = [];
  if (isProduction(env) && !env.MAIL_FROM) {
    problems.push('MAIL_FROM is required');
  }
  if (env.SMTP_URL && env.SMTP_HOST) {
    problems.push('set either SMTP_URL or SMTP_HOST (with SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_SECURE), not both');
  }
  if (!env.SMTP_HOST && [env.SMTP_PORT, env.SMTP_USER, env.SMTP_PASSWORD, env.SMTP_SECURE].some((v) => v !== undefined)) {
    problems.push('SMTP_PORT, SMTP_USER, SMTP_PASSWORD and SMTP_SECURE need SMTP_HOST');
  }
  // Without SMTP the mail would only reach the outbox table: fine on a laptop, silent loss in production.
  if (isProduction(env) && !env.SMTP_URL && !env.SMTP_HOST) {
    problems.push('SMTP_URL (or SMTP_HOST) is required in production: without it mail is only written to the outbox');
  }
  if (env.ERROR_MAIL_ENABLED === true && !env.ADMIN_EMAILS) {
    problems.push('ERROR_MAIL_ENABLED=true needs ADMIN_EMAILS');
  }
  return problems;
}

/** Tuning shared by every environment; none of it names a service or a secret. */
const ALL: Defaults<MailVariables> = {
  SMTP_TIMEOUT_MS: '10000',
  ERROR_MAIL_WINDOW_SECONDS: '3600',
  OUTBOX_RETENTION_DAYS: '90',
};
/** Local only: no SMTP (mail goes to the outbox table), a sender that cannot leak anywhere. */
const localSender = (appName: string) => `${/^[\w .'-]*$/.test(appName) ? appName : `"${appName}"`} <no-reply@localhost>`;

export const mail = defineSection({
  schema: MailVariables,
  // No SMTP and no MAIL_FROM default in production: a forgotten mail setting must stop the app.
  defaults: { development: ALL, test: ALL, production: ALL },
  check,
  build: (env: Env): MailConfig => ({
    smtp: env.SMTP_URL
      ? { url: env.SMTP_URL }
      : env.SMTP_HOST
        ? { host: env.SMTP_HOST, port: env.SMTP_PORT, secure: env.SMTP_SECURE, user: env.SMTP_USER, password: env.SMTP_PASSWORD }
        : undefined,
    timeoutMs: env.SMTP_TIMEOUT_MS,
    // Set whenever the checks passed in production.
    from: env.MAIL_FROM ?? localSender(env.APP_NAME),
    adminEmails: splitList(env.ADMIN_EMAILS ?? ''),
    errorMails: {
      enabled: env.ERROR_MAIL_ENABLED ?? (isProduction(env) && Boolean(env.ADMIN_EMAILS)),
      windowMs: env.ERROR_MAIL_WINDOW_SECONDS * 1000,
    },
    outboxRetentionDays: env.OUTBOX_RETENTION_DAYS,
  }),
});
