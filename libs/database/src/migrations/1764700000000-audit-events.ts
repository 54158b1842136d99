import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail (libs/audit): one row per security event or admin action. The actor is kept
 * as an id that goes NULL when the user is deleted, plus an address snapshot, so the trail of a
 * deleted user stays readable. Indexes serve the admin page's filters (time, actor, action,
 * target, address) and the retention job (occurred_at).
 */
export class AuditEvents1764700000000 implements MigrationInterface {
  name = 'AuditEvents1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "audit_events" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "occurred_at" timestamptz NOT NULL DEFAULT now(),
        "actor_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
        "actor_email" varchar(254),
        "action" varchar(64) NOT NULL,
        "target_type" varchar(32),
        "target_id" varchar(200),
        "target_label" varchar(254),
        "ip" varchar(64),
        "request_id" varchar(128),
        "details" jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX "audit_events_occurred_at_idx" ON "audit_events" ("occurred_at")`);
    await q.query(`CREATE INDEX "audit_events_actor_idx" ON "audit_events" ("actor_id", "occurred_at")`);
    await q.query(`CREATE INDEX "audit_events_action_idx" ON "audit_events" ("action", "occurred_at")`);
    await q.query(`CREATE INDEX "audit_events_target_idx" ON "audit_events" ("target_type", "target_id", "occurred_at")`);
    await q.query(`CREATE INDEX "audit_events_actor_email_idx" ON "audit_events" (lower("actor_email"))`);
    await q.query(`CREATE INDEX "audit_events_target_label_idx" ON "audit_events" (lower("target_label"))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_events"`);
  }
}
