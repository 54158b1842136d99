import { HttpStatus } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { AuditContextMiddleware, type AuditRequest } from './audit-context.js';
import type { AuditEventsRepository, AuditRow } from './audit-events.repository.js';
import { AuditLog, AuditUnavailableError } from './audit-log.service.js';

/** The rows AuditLog would insert, with the table replaced by an array (or a failing insert). */
function auditLog(options: { failWith?: Error } = {}) {
  const inserted: Array<{ row: AuditRow; manager?: EntityManager }> = [];
  const events = {
    insert: (row: AuditRow, manager?: EntityManager) => {
      if (options.failWith) {
        return Promise.reject(options.failWith);
      }
      inserted.push({ row, manager });
      return Promise.resolve();
    },
  } as unknown as AuditEventsRepository;
  const manager = { tx: true } as unknown as EntityManager;
  const db = { transaction: <T>(work: (m: EntityManager) => Promise<T>) => work(manager) } as unknown as DataSource;
  return { audit: new AuditLog(events, db), inserted, manager };
}

/** Runs `work` as if inside a request that went through AuditContextMiddleware. */
function inRequest<T>(req: AuditRequest, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => new AuditContextMiddleware().use(req, undefined, () => void work().then(resolve, reject)));
}

describe('AuditLog', () => {
  it('takes the actor, IP and request id from the current request', async () => {
    const { audit, inserted } = auditLog();
    const req = { ip: '203.0.113.9', id: 'req-1', user: { userId: 'u-1', email: 'ada@example.org' } };
    await inRequest(req, () => audit.record({ action: 'job.retried', target: { type: 'job', id: 'j-1' } }));
    expect(inserted[0].row).toMatchObject({
      actorId: 'u-1',
      actorEmail: 'ada@example.org',
      action: 'job.retried',
      targetType: 'job',
      targetId: 'j-1',
      ip: '203.0.113.9',
      requestId: 'req-1',
    });
  });

  it('uses the actor it is given over the request principal, and records none outside a request', async () => {
    const { audit, inserted } = auditLog();
    await inRequest({ user: { userId: 'admin' } }, () =>
      audit.record({ action: 'auth.sign-in-failed', actor: { id: null, email: 'x@example.org' } }),
    );
    await audit.record({ action: 'user.disabled', target: { type: 'user', id: 'u-2' } });
    expect(inserted.map((i) => [i.row.actorId, i.row.actorEmail, i.row.ip, i.row.requestId])).toEqual([
      [null, 'x@example.org', null, null],
      [null, null, null, null],
    ]);
  });

  it('turns a failed write into a 503 (AuditUnavailableError), whatever the database said', async () => {
    const { audit } = auditLog({ failWith: new Error('permission denied for table audit_events') });
    const failure = await audit.record({ action: 'auth.sign-out' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuditUnavailableError);
    expect((failure as AuditUnavailableError).status).toBe(HttpStatus.SERVICE_UNAVAILABLE);
  });

  it('refuses details whose keys look like secrets (a bug, never written)', async () => {
    const { audit, inserted } = auditLog();
    for (const key of ['password', 'resetToken', 'apiSecret', 'passwordHash', 'otpCode']) {
      await expect(audit.record({ action: 'user.updated', details: { [key]: 'x' } })).rejects.toThrow(/must not carry secrets/);
    }
    await expect(audit.record({ action: 'user.updated', details: { note: 'x'.repeat(3000) } })).rejects.toThrow(/limited/);
    expect(inserted).toEqual([]);
  });

  it('recordChange writes the row in the change’s transaction, and nothing when the change did nothing', async () => {
    const { audit, inserted, manager } = auditLog();
    const seen: EntityManager[] = [];
    const found = await audit.recordChange(
      (m) => (seen.push(m), Promise.resolve(true)),
      (ok) => (ok ? { action: 'user.enabled', target: { type: 'user', id: 'u-3' } } : null),
    );
    expect(found).toBe(true);
    expect(seen).toEqual([manager]);
    expect(inserted.map((i) => i.manager)).toEqual([manager]);
    await audit.recordChange(
      () => Promise.resolve(false),
      (ok) => (ok ? { action: 'user.enabled' } : null),
    );
    expect(inserted).toHaveLength(1);
  });
});
