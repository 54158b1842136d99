import { Logger } from '@nestjs/common';
import { DependencyUnavailableError, wantsJson } from '@app/errors';
import { serialize as serializeCookie } from 'cookie';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { cachedVerifier, generateSessionId, readCookie, signSessionId } from './session-id.js';
import type { SessionLifetime } from './session-record.js';
import type { SessionStore } from './session-store.port.js';
import { recordOf, serialize, Session, STATE, type SessionOps, type SessionState } from './session.js';

export interface SessionMiddlewareOptions {
  store: SessionStore;
  /** Newest first: the newest signs, every one verifies. */
  secrets: readonly string[];
  cookieName: string;
  secure: boolean;
  lifetime: SessionLifetime;
  /**
   * An unchanged session is touched (its idle deadline slid) at most this often, so that a
   * page view costs one store read and not a read plus a write.
   */
  touchIntervalMs?: number;
  /** Milliseconds since the epoch; injectable so that tests control time instead of sleeping. */
  now?: () => number;
}

const USER_AGENT_MAX = 256;
const logger = new Logger('Session');

/*
 * Why not express-session: measured on this machine (docs/benchmarks.md), and for behaviour we
 * must not have. express-session touches the store on every request that reads a session (a
 * write per page view), re-creates a destroyed session when a slow request saves late, accepts
 * any well-signed id without asking whether we issued it, and has no absolute lifetime.
 * This middleware keeps its surface (`req.session` with regenerate/save/destroy/reload), which
 * is all passport needs.
 */
export function createSessionMiddleware(options: SessionMiddlewareOptions): RequestHandler {
  const { store, secrets, cookieName, lifetime } = options;
  const touchIntervalMs = options.touchIntervalMs ?? Math.min(60_000, Math.floor(lifetime.idleTtlMs / 10));
  const now = options.now ?? Date.now;
  const cookieBase = {
    httpOnly: true,
    secure: options.secure,
    sameSite: 'lax' as const,
    path: '/',
  };
  const verify = cachedVerifier(secrets);

  return function sessionMiddleware(req: Request, res: Response, next: NextFunction): void {
    const header = req.headers.cookie;
    const raw = header ? readCookie(header, cookieName) : undefined;
    const verified = raw ? verify(raw) : null;
    // Only a write records the client, so most requests never pay for req.ip (proxy-addr).
    let client: { ip?: string; userAgent?: string } | undefined;
    const clientInfo = () =>
      (client ??= {
        ip: req.ip,
        userAgent: (req.headers['user-agent'] ?? '').slice(0, USER_AGENT_MAX) || undefined,
      });

    const ops: SessionOps = {
      async save(session) {
        await commit(session, now());
      },
      async destroy(session) {
        const state = session[STATE];
        if (!state.isNew) {
          await store.destroy(state.id);
        }
        state.destroyed = true;
      },
      async regenerate(session) {
        await ops.destroy(session);
        const fresh = new Session(newState());
        req.session = fresh;
        return fresh;
      },
      async reload(session) {
        const state = session[STATE];
        const record = state.isNew ? null : await store.get(state.id);
        for (const key of Object.keys(session)) {
          delete session[key];
        }
        if (record) {
          Object.assign(session, record.data);
          state.snapshot = serialize(session);
        }
      },
    };

    function newState(): SessionState {
      const at = now();
      return { id: generateSessionId(), isNew: true, createdAt: at, lastSeenAt: at, snapshot: '{}', destroyed: false, resign: false, ops };
    }

    /** Persists what changed: create, update (only if it still exists), or a periodic touch. */
    async function commit(session: Session, at: number): Promise<void> {
      const state = session[STATE];
      if (state.destroyed) {
        return;
      }
      const json = serialize(session);
      if (state.isNew) {
        if (json === '{}') {
          return; // nothing to remember: no session is created
        }
        await store.create(state.id, recordOf(session, at, clientInfo()));
        state.isNew = false;
      } else if (json !== state.snapshot) {
        if (!(await store.set(state.id, recordOf(session, at, clientInfo())))) {
          // Destroyed meanwhile (logout in another tab, revoked): the destroy wins.
          state.destroyed = true;
          return;
        }
      } else if (at - state.lastSeenAt >= touchIntervalMs) {
        if (!(await store.touch(state.id, at))) {
          state.destroyed = true;
          return;
        }
      } else {
        return;
      }
      state.snapshot = json;
      state.lastSeenAt = at;
    }

    /** Runs right before the headers go out, whatever path the response took. */
    function writeCookie(): void {
      const session = req.session as Session | undefined;
      if (!session) {
        return;
      }
      const state = session[STATE];
      const persisted = !state.destroyed && (!state.isNew || serialize(session) !== '{}');
      if (persisted && (state.id !== verified?.id || state.resign)) {
        const remainingMs = state.createdAt + lifetime.absoluteTtlMs - now();
        res.append(
          'Set-Cookie',
          serializeCookie(cookieName, signSessionId(state.id, secrets[0]), { ...cookieBase, maxAge: Math.max(0, Math.floor(remainingMs / 1000)) }),
        );
      } else if (!persisted && raw !== undefined) {
        // The browser holds a cookie for a session that is gone (or never was): drop it.
        res.append('Set-Cookie', serializeCookie(cookieName, '', { ...cookieBase, maxAge: 0 }));
      }
    }

    function hookResponse(): void {
      const writeHead = res.writeHead;
      let cookieWritten = false;
      let skipCookie = false;
      res.writeHead = function (this: Response, ...args: unknown[]) {
        if (!cookieWritten && !skipCookie) {
          cookieWritten = true;
          writeCookie();
        }
        return (writeHead as (...a: unknown[]) => Response).apply(this, args);
      } as typeof res.writeHead;

      const end = res.end;
      let ending = false;
      res.end = function (this: Response, ...args: unknown[]) {
        if (ending) {
          return (end as (...a: unknown[]) => Response).apply(this, args);
        }
        ending = true;
        const session = req.session as Session | undefined;
        const finish = () => (end as (...a: unknown[]) => Response).apply(res, args);
        if (!session) {
          return finish();
        }
        commit(session, now()).then(finish, (error: unknown) => {
          // Leave the browser's cookie as it was: we do not know what the store holds.
          skipCookie = true;
          logger.warn(`could not save session: ${error instanceof Error ? error.message : String(error)}`);
          if (res.headersSent) {
            finish();
            return;
          }
          // The page was rendered on the assumption the session would be kept; it was not.
          res.statusCode = 503;
          res.setHeader('Retry-After', '5');
          res.setHeader('Cache-Control', 'no-store');
          res.removeHeader('Content-Length');
          if (wantsJson(req)) {
            res.setHeader('Content-Type', 'application/json; charset=utf-8');
            (end as (...a: unknown[]) => Response).call(res, JSON.stringify({ statusCode: 503, code: 'service_unavailable', message: 'The session store is unavailable. Please try again shortly.' }));
          } else {
            res.setHeader('Content-Type', 'text/plain; charset=utf-8');
            (end as (...a: unknown[]) => Response).call(res, '503 Service unavailable: the session store is unavailable. Please try again shortly.\n');
          }
        });
        return res;
      } as typeof res.end;
    }

    const start = (session: Session) => {
      req.session = session;
      hookResponse();
      next();
    };

    if (!verified) {
      start(new Session(newState()));
      return;
    }
    store.get(verified.id).then(
      (record) => {
        if (!record) {
          start(new Session(newState()));
          return;
        }
        const data = record.data;
        const session = new Session(
          {
            id: verified.id,
            isNew: false,
            createdAt: record.createdAt,
            lastSeenAt: record.lastSeenAt,
            snapshot: JSON.stringify(data),
            destroyed: false,
            resign: !verified.signedWithNewest,
            ops,
          },
          data,
        );
        start(session);
      },
      // Never "anonymous because the store is down": that would log people out, or worse,
      // skip checks that depend on the session. The request fails with a 503 instead.
      (error: unknown) => next(new DependencyUnavailableError('session store', error)),
    );
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    session?: Session;
  }
}
