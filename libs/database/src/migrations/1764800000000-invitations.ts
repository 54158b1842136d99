import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations: an account an admin creates has no password until its owner follows the mailed
 * link, which is a one-time token of a new purpose, `invite`. Only the purpose check changes
 * (users.password_hash was nullable from the start).
 */
export class Invitations1764800000000 implements MigrationInterface {
  name = 'Invitations1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "one_time_tokens" DROP CONSTRAINT "one_time_tokens_purpose_check"`);
    await q.query(
      `ALTER TABLE "one_time_tokens" ADD CONSTRAINT "one_time_tokens_purpose_check" CHECK ("purpose" IN ('confirm-email', 'reset-password', 'invite'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM "one_time_tokens" WHERE "purpose" = 'invite'`);
    await q.query(`ALTER TABLE "one_time_tokens" DROP CONSTRAINT "one_time_tokens_purpose_check"`);
    await q.query(
      `ALTER TABLE "one_time_tokens" ADD CONSTRAINT "one_time_tokens_purpose_check" CHECK ("purpose" IN ('confirm-email', 'reset-password'))`,
    );
  }
}
