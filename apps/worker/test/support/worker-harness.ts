import type { INestApplicationContext } from '@nestjs/common';
import { waitFor } from '@app/testing';
import pg from 'pg';
import { createWorkerApp } from '../../src/create-worker-app.js';

// Until `@app/testing` exports it (libs/testing/src/index.ts), by relative path.
export { jobCompleted } from '@app/testing';

/** The real worker, in this process, configured exactly as `main.ts` does. */
export async function startWorker(env: Record<string, string | undefined>): Promise<INestApplicationContext> {
  const app = await createWorkerApp({ env });
  await app.init();
  return app;
}

export interface OutboxRow {
  id: string;
  recipient: string;
  template: string;
  subject: string;
  html_body: string | null;
  text_body: string | null;
  status: 'queued' | 'sent' | 'failed';
  transport: string | null;
  attempts: number;
  last_error: string | null;
  message_id: string | null;
  sent_at: Date | null;
}

/** Reads the outbox the way an admin page would: straight from the table. */
export async function outboxRows(databaseUrl: string, where = 'true', params: unknown[] = []): Promise<OutboxRow[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<OutboxRow>(`SELECT * FROM mail_outbox WHERE ${where} ORDER BY created_at`, params)).rows;
  } finally {
    await client.end();
  }
}

/** waitFor with a bound generous enough for a loaded 2-core machine (the full suite runs in parallel). */
export function eventually<T>(probe: () => Promise<T> | T, timeoutMs = 30000): Promise<T> {
  return waitFor(probe, timeoutMs, 100);
}
