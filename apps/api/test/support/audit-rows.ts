import { PasswordHasher, UsersRepository } from '@app/auth';
import type { AdminSuite } from './admin-suite.js';
import { PASSWORD } from './admin-suite.js';

export interface AuditRowInDb {
  action: string;
  actor_id: string | null;
  actor_email: string | null;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  occurred_at: Date;
}

/** The audit rows of one action (optionally about one target), oldest first, read straight from the table. */
export async function auditRows(t: AdminSuite, action: string, targetId?: string): Promise<AuditRowInDb[]> {
  const result = await t.sql.query<AuditRowInDb>(
    `SELECT * FROM audit_events WHERE action = $1 AND ($2::text IS NULL OR target_id = $2) ORDER BY occurred_at, id`,
    [action, targetId ?? null],
  );
  return result.rows;
}

/** A confirmed account with PASSWORD and the given roles; its id. */
export async function member(t: AdminSuite, email: string, roles: string[] = ['user']): Promise<string> {
  const passwordHash = await t.app.get(PasswordHasher).hash(PASSWORD);
  const created = await t.app
    .get(UsersRepository)
    .create({ email, firstName: 'M', lastName: '', passwordHash, roles, emailConfirmedAt: new Date() });
  return created!.id;
}
