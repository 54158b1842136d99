import { SessionService } from '@app/session';
import { DataSource } from 'typeorm';
import type { AccountsSuite } from './accounts-suite.js';
import type { FormClient } from './form-client.js';

/** The seeded admin of the accounts stack (SEED_ADMIN_* in accounts-harness.ts). */
export const ROOT = { email: 'root@starter.test', password: 'root-password-for-tests' };

/** What the admin lifecycle tests check beside the pages: the database and the session store. */
export function lifecycleHelpers(t: AccountsSuite) {
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> =>
    t.stack.api.get(DataSource).query(text, params) as Promise<T[]>;

  return {
    sql,
    async signInAs(email: string, password: string): Promise<FormClient> {
      const b = t.browser();
      expect((await t.signIn(b, email, password)).status).toBe(303);
      return b;
    },
    /** The id at the end of an `/admin/users/<id>` redirect. */
    idFrom(location: string): string {
      const match = /^\/admin\/users\/([0-9a-f-]{36})$/.exec(location);
      if (!match) {
        throw new Error(`not a user page: ${location}`);
      }
      return match[1];
    },
    tokenOf: (link: string) => new URLSearchParams(link.split('?')[1]).get('token')!,
    userRow: async (id: string) =>
      (
        await sql<{ email: string; first_name: string; last_name: string; password_hash: string | null; email_confirmed_at: Date | null }>(
          `SELECT email, first_name, last_name, password_hash, email_confirmed_at FROM users WHERE id = $1`,
          [id],
        )
      )[0],
    rolesOf: async (id: string) =>
      (
        await sql<{ name: string }>(
          `SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = $1 ORDER BY r.name`,
          [id],
        )
      ).map((r) => r.name),
    countUsers: async () => Number((await sql<{ n: string }>(`SELECT count(*) AS n FROM users`))[0].n),
    /** Rows in mail_outbox to an address: written when the mail is asked for, so no waiting on SMTP. */
    outboxTo: (email: string) =>
      sql<{ template: string; text_body: string | null }>(
        `SELECT template, text_body FROM mail_outbox WHERE lower(recipient) = lower($1) ORDER BY created_at`,
        [email],
      ),
    sessionsOf: (id: string) => t.stack.api.get(SessionService).listForUser(id),
  };
}
