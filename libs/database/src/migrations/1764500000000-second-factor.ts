import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The second factor (TOTP, RFC 6238) and its recovery codes.
 *
 * On users: the TOTP secret, encrypted with AUTH_TOTP_ENCRYPTION_KEY (AES-256-GCM: unlike a
 * password it must be read back to check a code, so it cannot be hashed); `totp_enabled_at` is
 * null while an enrolment waits for its first code (the pending secret lives in the same column,
 * so showing the enrolment page again reads it and writes nothing); `totp_last_step` is the time
 * step of the last code accepted, so that no code is accepted twice.
 *
 * Recovery codes are stored as SHA-256 digests: each is 100 random bits, so a slow hash would add
 * cost without adding safety (as for API keys and one-time tokens). A used code is deleted.
 */
export class SecondFactor1764500000000 implements MigrationInterface {
  name = 'SecondFactor1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "users"
        ADD COLUMN "totp_secret" text,
        ADD COLUMN "totp_enabled_at" timestamptz,
        ADD COLUMN "totp_last_step" bigint,
        ADD CONSTRAINT "users_totp_enabled_needs_secret" CHECK ("totp_enabled_at" IS NULL OR "totp_secret" IS NOT NULL)`);
    await q.query(`
      CREATE TABLE "recovery_codes" (
        "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
        "code_hash" bytea NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("user_id", "code_hash")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "recovery_codes"`);
    await q.query(`
      ALTER TABLE "users"
        DROP CONSTRAINT "users_totp_enabled_needs_secret",
        DROP COLUMN "totp_last_step",
        DROP COLUMN "totp_enabled_at",
        DROP COLUMN "totp_secret"`);
  }
}
