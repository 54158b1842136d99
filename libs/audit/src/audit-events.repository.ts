import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { queryRows } from '@app/database';
import type { DataSource, EntityManager } from 'typeorm';

/** A row as inserted; the actor's and the target's labels may be left for the insert to look up. */
export interface AuditRow {
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  targetLabel: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  /** A user id (actor or target) or an address (the snapshot of either, case-insensitive). */
  userId?: string;
  email?: string;
  action?: string;
  from?: Date;
  to?: Date;
}

export interface AuditListItem extends AuditRow {
  id: string;
  occurredAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The audit table in plain parameterised SQL, like UsersRepository (the sign-in path inserts here). */
@Injectable()
export class AuditEventsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * One INSERT. A missing actor address or user-target label is looked up from `users` inside
   * the same statement (no extra round trip); COALESCE skips the lookup when the caller knows it.
   * With `signedIn`, the same statement also sets that user's last sign-in time: a sign-in is then
   * one round trip and one commit instead of two (on this machine each extra round trip on the
   * login path cost more than the 0.9x-of-raw-Argon2id budget allows; see docs/benchmarks.md).
   */
  async insert(row: AuditRow, manager?: EntityManager, signedIn?: string): Promise<void> {
    const touch = signedIn === undefined ? '' : 'WITH signed_in AS (UPDATE users SET last_login_at = now() WHERE id = $11) ';
    const values = [
      row.actorId,
      row.actorEmail,
      row.action,
      row.targetType,
      row.targetId,
      row.targetLabel,
      row.ip,
      row.requestId,
      JSON.stringify(row.details),
      row.targetType === 'user' && row.targetId !== null && UUID.test(row.targetId) ? row.targetId : null,
    ];
    await (manager ?? this.db).query(
      `${touch}INSERT INTO audit_events (actor_id, actor_email, action, target_type, target_id, target_label, ip, request_id, details)
       VALUES ($1, COALESCE($2, (SELECT email FROM users WHERE id = $1)), $3, $4, $5,
               COALESCE($6, (SELECT email FROM users WHERE id = $10)), $7, $8, $9)`,
      signedIn === undefined ? values : [...values, signedIn],
    );
  }

  /** Newest first; `limit + 1` rows are asked for so the caller knows whether a next page exists. */
  async search(filter: AuditFilter, offset: number, limit: number): Promise<AuditListItem[]> {
    const { where, params } = whereOf(filter);
    const rows = await queryRows<Record<string, unknown>>(
      this.db,
      `SELECT id, occurred_at, actor_id, actor_email, action, target_type, target_id, target_label, ip, request_id, details
         FROM audit_events ${where}
        ORDER BY occurred_at DESC, id DESC
        OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
      [...params, offset, limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      occurredAt: r.occurred_at as Date,
      actorId: r.actor_id as string | null,
      actorEmail: r.actor_email as string | null,
      action: r.action as string,
      targetType: r.target_type as string | null,
      targetId: r.target_id as string | null,
      targetLabel: r.target_label as string | null,
      ip: r.ip as string | null,
      requestId: r.request_id as string | null,
      details: (r.details ?? {}) as Record<string, unknown>,
    }));
  }

  async deleteBefore(cutoff: Date): Promise<number> {
    const rows = await queryRows<unknown>(this.db, `DELETE FROM audit_events WHERE occurred_at < $1 RETURNING 1`, [cutoff]);
    return rows.length;
  }
}

function whereOf(filter: AuditFilter): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  if (filter.userId !== undefined && UUID.test(filter.userId)) {
    conditions.push(`(actor_id = ${param(filter.userId)}::uuid OR (target_type = 'user' AND target_id = ${param(filter.userId)}))`);
  }
  if (filter.email !== undefined) {
    const p = param(filter.email);
    conditions.push(`(lower(actor_email) = lower(${p}) OR (target_type = 'user' AND lower(target_label) = lower(${p})))`);
  }
  if (filter.action !== undefined) {
    conditions.push(`action = ${param(filter.action)}`);
  }
  if (filter.from !== undefined) {
    conditions.push(`occurred_at >= ${param(filter.from)}`);
  }
  if (filter.to !== undefined) {
    conditions.push(`occurred_at < ${param(filter.to)}`);
  }
  return { where: conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '', params };
}
