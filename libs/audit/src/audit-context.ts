import { Injectable, type NestMiddleware } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What an audit row takes from the request it happens in. Read by shape, not by type: the
 * signed-in principal is libs/auth's, and this lib must not import it (auth imports audit).
 * `user` is Express's conventional slot, set by the session middleware or the API-key guard.
 */
export interface AuditRequest {
  ip?: string;
  id?: string | number;
  user?: { userId?: unknown; email?: unknown } | null;
}

const storage = new AsyncLocalStorage<AuditRequest>();

/**
 * Makes the current request visible to `AuditLog.record` anywhere below it (a service in
 * libs/auth knows the user id it changes, not the IP or the request id): the alternative was an
 * extra "context" argument on every service method that records. The request object itself is
 * stored, so the principal resolved later (session middleware, API-key guard) is what is read.
 * Mounted by the api after the body parsers, whose stream callbacks would lose the context.
 */
@Injectable()
export class AuditContextMiddleware implements NestMiddleware {
  use(req: AuditRequest, _res: unknown, next: () => void): void {
    storage.run(req, next);
  }
}

/** The request being served, if any (none in the worker, the CLI, or tests calling services). */
export function currentAuditRequest(): AuditRequest | undefined {
  return storage.getStore();
}
