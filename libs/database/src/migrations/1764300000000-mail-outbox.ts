import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mail outbox: one row per mail the app asked to send, written before the job is queued, so
 * that every mail is visible (admin panel, CLI) whatever happens to it, and a retried job can
 * tell that its mail already went out (`status = 'sent'`).
 */
export class MailOutbox1764300000000 implements MigrationInterface {
  name = 'MailOutbox1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "mail_outbox" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "recipient" varchar(320) NOT NULL,
        "template" varchar(64) NOT NULL,
        "data" jsonb,
        "subject" varchar(998) NOT NULL DEFAULT '',
        "html_body" text,
        "text_body" text,
        "status" varchar(16) NOT NULL DEFAULT 'queued' CHECK ("status" IN ('queued', 'sent', 'failed')),
        "transport" varchar(16),
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text,
        "message_id" varchar(255),
        "idempotency_key" varchar(200) UNIQUE,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "sent_at" timestamptz
      )`);
    // Admin lists (newest first, by status) and the retention job.
    await q.query(`CREATE INDEX "mail_outbox_status_created_idx" ON "mail_outbox" ("status", "created_at")`);
    await q.query(`CREATE INDEX "mail_outbox_created_idx" ON "mail_outbox" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "mail_outbox"`);
  }
}
