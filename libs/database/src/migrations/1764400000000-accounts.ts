import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What accounts need beyond users and roles: API keys and one-time tokens (email confirmation,
 * password reset). Secrets of both are stored only as SHA-256 digests: they are 256-bit random
 * values, so a slow password hash would add cost without adding safety.
 */
export class Accounts1764400000000 implements MigrationInterface {
  name = 'Accounts1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "api_keys" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
        "label" varchar(100) NOT NULL,
        "secret_hash" bytea NOT NULL,
        "roles" varchar(32)[] NOT NULL DEFAULT '{}',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz
      )`);
    await q.query(`CREATE INDEX "api_keys_user_id_idx" ON "api_keys" ("user_id")`);
    await q.query(`
      CREATE TABLE "one_time_tokens" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
        "purpose" varchar(32) NOT NULL CHECK ("purpose" IN ('confirm-email', 'reset-password')),
        "token_hash" bytea NOT NULL UNIQUE,
        "email" varchar(254) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "used_at" timestamptz
      )`);
    await q.query(`CREATE INDEX "one_time_tokens_user_purpose_idx" ON "one_time_tokens" ("user_id", "purpose")`);
    await q.query(`CREATE INDEX "one_time_tokens_expires_at_idx" ON "one_time_tokens" ("expires_at")`);
    await q.query(`ALTER TABLE "users" ADD COLUMN "last_login_at" timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP COLUMN "last_login_at"`);
    await q.query(`DROP TABLE "one_time_tokens"`);
    await q.query(`DROP TABLE "api_keys"`);
  }
}
