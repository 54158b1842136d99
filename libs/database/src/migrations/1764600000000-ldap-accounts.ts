import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where an account signs in: `local` (its own password hash) or `ldap` (created by a first LDAP
 * sign-in; the directory checks the password, and password change, reset and email change are
 * refused for it). A column rather than "no password hash", which also means an invited account
 * or an admin's forced reset.
 */
export class LdapAccounts1764600000000 implements MigrationInterface {
  name = 'LdapAccounts1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "users"
        ADD COLUMN "auth_source" varchar(16) NOT NULL DEFAULT 'local',
        ADD CONSTRAINT "users_auth_source_check" CHECK ("auth_source" IN ('local', 'ldap'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" DROP CONSTRAINT "users_auth_source_check", DROP COLUMN "auth_source"`);
  }
}
