import type { INestApplicationContext } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createTestDatabase, testEnv, testRedisUrl, waitFor, type TestDatabase, SmtpSink, type ReceivedMail } from '@app/testing';
import { rm } from 'node:fs/promises';
import request from 'supertest';
import { createWorkerApp } from '../../../worker/src/create-worker-app.js';
import { startApi } from './api-harness.js';

export interface AccountsStack {
  db: TestDatabase;
  sink: SmtpSink;
  api: NestExpressApplication;
  worker: INestApplicationContext;
  http: ReturnType<typeof request>;
  env: Record<string, string | undefined>;
  /** Waits for the `n`-th mail (1-based) to an address. */
  mailTo(address: string, n?: number): Promise<ReceivedMail>;
  mailsTo(address: string): ReceivedMail[];
  stop(): Promise<void>;
}

/**
 * Everything an account flow touches, real: the api in this process, the worker (in this process
 * too) taking mail jobs from Redis, an SMTP server receiving them, PostgreSQL, and sessions in
 * Redis or in files.
 */
export async function startAccountsStack(store: 'redis' | 'file', overrides: Record<string, string> = {}): Promise<AccountsStack> {
  const db = await createTestDatabase(`accounts_${store}`);
  const sink = await new SmtpSink().start();
  const env = testEnv({
    DATABASE_URL: db.url,
    REDIS_URL: testRedisUrl(),
    SESSION_STORE: store,
    SMTP_URL: sink.url,
    MAIL_FROM: 'Starter <no-reply@starter.test>',
    APP_BASE_URL: 'http://localhost:3000',
    JOB_BACKOFF_MS: '100',
    SEED_ADMIN_EMAIL: 'root@starter.test',
    SEED_ADMIN_PASSWORD: 'root-password-for-tests',
    ...overrides,
  });
  const api = await startApi({ env });
  // The worker's own entry point, as its main.ts starts it (not the worker's test support:
  // those helpers build on this folder, and the dependency goes one way).
  const worker = await createWorkerApp({ env });
  await worker.init();
  const mailsTo = (address: string) =>
    sink.received.filter((m) => m.envelope.to.some((to) => to.toLowerCase() === address.toLowerCase()));
  return {
    db,
    sink,
    api,
    worker,
    env,
    http: request(api.getHttpServer()),
    mailsTo,
    async mailTo(address, n = 1) {
      await waitFor(() => mailsTo(address).length >= n, 20_000);
      return mailsTo(address)[n - 1];
    },
    async stop() {
      await worker.close();
      await api.close();
      await sink.stop();
      if (env.SESSION_DIR) {
        await rm(env.SESSION_DIR, { recursive: true, force: true });
      }
      await db.drop();
    },
  };
}

/** The path and query of the first link in a mail's text that points at `path` on our site. */
export function linkPath(mail: ReceivedMail, path: string): string {
  const match = new RegExp(`http://localhost:3000${path}\\?token=[A-Za-z0-9_-]+`).exec(mail.parsed.text ?? '');
  if (!match) {
    throw new Error(`no ${path} link in "${mail.parsed.subject}":\n${mail.parsed.text}`);
  }
  return match[0].slice('http://localhost:3000'.length);
}
