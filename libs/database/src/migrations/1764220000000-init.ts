import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The account model every feature builds on: users, roles and their link table. Role rows are
 * reference data the code depends on (`admin`, `dev`, `user`), so the migration inserts them.
 */
export class Init1764220000000 implements MigrationInterface {
  name = 'Init1764220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "roles" (
        "id" smallserial PRIMARY KEY,
        "name" varchar(32) NOT NULL UNIQUE,
        "description" varchar(200) NOT NULL DEFAULT ''
      )`);
    await q.query(`
      CREATE TABLE "users" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "email" varchar(254) NOT NULL,
        "first_name" varchar(100) NOT NULL DEFAULT '',
        "last_name" varchar(100) NOT NULL DEFAULT '',
        "password_hash" varchar(255),
        "active" boolean NOT NULL DEFAULT true,
        "email_confirmed_at" timestamptz,
        "auth_epoch" integer NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now()
      )`);
    // Emails are unique whatever their case; lookups use lower(email) and hit this index.
    await q.query(`CREATE UNIQUE INDEX "users_email_lower_key" ON "users" (lower("email"))`);
    await q.query(`
      CREATE TABLE "user_roles" (
        "user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
        "role_id" smallint NOT NULL REFERENCES "roles"("id") ON DELETE CASCADE,
        PRIMARY KEY ("user_id", "role_id")
      )`);
    await q.query(`CREATE INDEX "user_roles_role_id_idx" ON "user_roles" ("role_id")`);
    await q.query(`
      INSERT INTO "roles" ("name", "description") VALUES
        ('admin', 'Full access, including the admin panel'),
        ('dev', 'Developer access: API keys and developer tools'),
        ('user', 'A signed-up member')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "user_roles"`);
    await q.query(`DROP TABLE "users"`);
    await q.query(`DROP TABLE "roles"`);
  }
}
