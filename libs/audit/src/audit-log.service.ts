import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DependencyUnavailableError } from '@app/errors';
import type { DataSource, EntityManager } from 'typeorm';
import type { AuditAction, AuditTargetType } from './audit-actions.js';
import { currentAuditRequest } from './audit-context.js';
import { type AuditFilter, type AuditListItem, AuditEventsRepository } from './audit-events.repository.js';

/** Small facts about an event: ids, counts, role names. Never a secret, token, hash or password. */
export type AuditDetails = Record<string, string | number | boolean | null | readonly string[]>;

export interface AuditRecord {
  action: AuditAction;
  /**
   * Who did it. Default: the signed-in user of the current request (none: null). Pass it where
   * the request has no principal yet or another one: a sign-in, a link followed from a mail.
   * `email` may be left out for a known id (the insert looks it up).
   */
  actor?: { id: string | null; email?: string | null } | null;
  /** What it was done to; for a user, `label` defaults to their current address. */
  target?: { type: AuditTargetType; id: string; label?: string | null };
  details?: AuditDetails;
}

/** The audit write failed: the action it records must fail too (503), never pass unrecorded. */
export class AuditUnavailableError extends DependencyUnavailableError {
  constructor(cause: unknown) {
    super('audit trail', cause);
  }
}

const SECRET_KEY = /pass|secret|token|hash|otp|code/i;
const MAX_DETAILS_CHARS = 2000;

export interface AuditPage {
  events: AuditListItem[];
  page: number;
  hasNext: boolean;
}

/**
 * The audit trail. Every write is awaited and a failed write throws AuditUnavailableError (503
 * through the global error filter): an action either has its row or fails visibly.
 *
 * Recording, in one line: `await this.audit.record({ action: 'job.retried', target: { type: 'job', id } })`.
 * For a change in PostgreSQL, prefer `recordChange`: the change and its row commit together, so a
 * failed audit write also undoes the change (see the lib's README).
 */
@Injectable()
export class AuditLog {
  constructor(
    private readonly events: AuditEventsRepository,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /** Writes one row (inside `manager`'s transaction when given). */
  record(event: AuditRecord, manager?: EntityManager): Promise<void> {
    return this.write(event, manager);
  }

  private async write(event: AuditRecord, manager?: EntityManager, signedIn?: string): Promise<void> {
    const details = checkedDetails(event.details ?? {});
    const req = currentAuditRequest();
    const principal = req?.user;
    const actor =
      event.actor !== undefined
        ? event.actor
        : typeof principal?.userId === 'string'
          ? { id: principal.userId, email: typeof principal.email === 'string' ? principal.email : null }
          : null;
    try {
      await this.events.insert(
        {
          actorId: actor?.id ?? null,
          actorEmail: actor?.email?.slice(0, 254) ?? null,
          action: event.action,
          targetType: event.target?.type ?? null,
          targetId: event.target?.id.slice(0, 200) ?? null,
          targetLabel: event.target?.label?.slice(0, 254) ?? null,
          ip: req?.ip?.slice(0, 64) ?? null,
          requestId: req?.id === undefined || req.id === '' ? null : String(req.id).slice(0, 128),
          details,
        },
        manager,
        signedIn,
      );
    } catch (error) {
      throw new AuditUnavailableError(error);
    }
  }

  /**
   * Runs `change` in a transaction and records the event `eventOf` builds from its result in
   * the same transaction (null: nothing happened, nothing to record). Either both commit or
   * neither does. `change` must run its queries on the manager it is given.
   */
  recordChange<T>(change: (manager: EntityManager) => Promise<T>, eventOf: (result: T) => AuditRecord | null): Promise<T> {
    return this.db.transaction(async (manager) => {
      const result = await change(manager);
      const event = eventOf(result);
      if (event) {
        await this.record(event, manager);
      }
      return result;
    });
  }

  /**
   * A completed sign-in: its row and the account's last sign-in time, in one statement (the
   * sign-in path is benchmarked against the bare hash; one round trip, not two). This is the one
   * write of this lib to `users`, kept here so that the login path pays for a single commit.
   */
  signIn(user: { id: string; email?: string | null }, details?: AuditDetails): Promise<void> {
    const target = { type: 'user' as const, id: user.id, label: user.email ?? null };
    return this.write({ action: 'auth.sign-in', actor: { id: user.id, email: user.email ?? null }, target, details }, undefined, user.id);
  }

  /** The address as typed is the claimed actor; the account, when there is one, the target. */
  signInFailed(attemptedEmail: string, user: { id: string; email: string } | null): Promise<void> {
    const target = user ? { type: 'user' as const, id: user.id, label: user.email } : undefined;
    return this.record({ action: 'auth.sign-in-failed', actor: { id: null, email: attemptedEmail }, target });
  }

  async search(filter: AuditFilter, page: number, perPage: number): Promise<AuditPage> {
    const rows = await this.events.search(filter, (page - 1) * perPage, perPage + 1);
    return { events: rows.slice(0, perPage), page, hasNext: rows.length > perPage };
  }

  /** Deletes rows older than `retentionDays`; how many went. */
  prune(retentionDays: number, now = new Date()): Promise<number> {
    return this.events.deleteBefore(new Date(now.getTime() - retentionDays * 86_400_000));
  }
}

/** A bug, not an outage: a details key that looks like it carries a secret is refused outright. */
function checkedDetails(details: AuditDetails): AuditDetails {
  const leaking = Object.keys(details).find((key) => SECRET_KEY.test(key));
  if (leaking) {
    throw new Error(`audit details must not carry secrets (key "${leaking}")`);
  }
  if (JSON.stringify(details).length > MAX_DETAILS_CHARS) {
    throw new Error(`audit details are limited to ${MAX_DETAILS_CHARS} characters`);
  }
  return details;
}
