import { DependencyUnavailableError } from '@app/errors';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { generateSessionId, type SessionStore } from '@app/session';
import { hookResponse, isHooked, type ResponseMethod, type SessionResponseHooks } from './response-hooks.js';
import { type BrowserBinding, type SessionCookieSettings, sessionCookieUpdate } from './session-cookie.js';
import { cachedVerifier, formTokenFor, isFormTokenOf, readCookie, verifyBrowserBinding, type VerifiedSessionId } from './signed-session-id.js';
import { recordOf, serialize, Session, STATE, type SessionOps, type SessionState } from './session.js';
import type { SessionMiddlewareOptions } from './session-middleware-options.js';

const USER_AGENT_MAX = 256;

/*
 * Why not express-session: measured on this machine (docs/benchmarks.md), and for behaviour we
 * must not have. express-session touches the store on every request that reads a session (a
 * write per page view), re-creates a destroyed session when a slow request saves late, accepts
 * any well-signed id without asking whether we issued it, and has no absolute lifetime. We keep
 * its surface (`req.session` with regenerate/save/destroy/reload), which is all passport needs.
 */
export function createSessionMiddleware(options: SessionMiddlewareOptions): RequestHandler {
  const { lifetime } = options;
  const shared: Shared = {
    store: options.store,
    secrets: options.secrets,
    cookieName: options.cookieName,
    lifetime,
    touchIntervalMs: options.touchIntervalMs ?? Math.min(60_000, Math.floor(lifetime.idleTtlMs / 10)),
    now: options.now ?? Date.now,
    cookieBase: { httpOnly: true, secure: options.secure, sameSite: 'lax', path: '/' },
    verify: cachedVerifier(options.secrets),
    onSaveFailed: options.onSaveFailed,
  };

  return function sessionMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (isHooked(res)) {
      // Mounted twice on one route: the first mount's session stands (and its hooks, once).
      next();
      return;
    }
    const header = req.headers.cookie;
    const raw = header ? readCookie(header, shared.cookieName) : undefined;
    const verified = raw ? shared.verify(raw) : null;
    const ctx = new RequestSession(shared, req, res, raw, verified);

    if (!verified) {
      // Not a session id: perhaps the binding of an anonymous visitor who was shown a form.
      // Nothing is stored under it, so the store is not asked.
      const binding = raw ? verifyBrowserBinding(raw, shared.secrets) : null;
      if (binding) {
        ctx.binding = { value: binding, issued: false };
      }
      ctx.start(new Session(ctx.newState()), next);
      return;
    }
    shared.store.get(verified.id).then(
      (record) => {
        if (!record) {
          ctx.start(new Session(ctx.newState()), next);
          return;
        }
        const data = record.data;
        const state: SessionState = {
          id: verified.id,
          isNew: false,
          createdAt: record.createdAt,
          lastSeenAt: record.lastSeenAt,
          snapshot: JSON.stringify(data),
          destroyed: false,
          resign: !verified.signedWithNewest,
          ops: ctx,
        };
        ctx.start(new Session(state, data), next);
      },
      // Never "anonymous because the store is down": that would log people out, or worse,
      // skip checks that depend on the session. The request fails with a 503 instead.
      (error: unknown) => next(new DependencyUnavailableError('session store', error)),
    );
  };
}

/** What every request of one middleware shares. */
interface Shared extends SessionCookieSettings {
  store: SessionStore;
  touchIntervalMs: number;
  verify: (value: string) => VerifiedSessionId | null;
  onSaveFailed: SessionMiddlewareOptions['onSaveFailed'];
}

/**
 * One request's session bookkeeping. A class rather than a dozen closures per request: its
 * methods live once on the prototype, and the response hooks (response-hooks.ts) are shared
 * functions that find their request through the response. It is also the session's `ops`.
 */
class RequestSession implements SessionOps, SessionResponseHooks {
  private client?: { ip?: string; userAgent?: string };
  private writeHead!: ResponseMethod;
  private end!: ResponseMethod;
  private cookieWritten = false;
  private skipCookie = false;
  private ending = false;
  /** The anonymous visitor's binding (see Session.browserToken), sent or issued. */
  binding?: BrowserBinding;

  constructor(
    private readonly shared: Shared,
    private readonly req: Request,
    private readonly res: Response,
    /** The cookie value the browser sent, verified or not. */
    private readonly raw: string | undefined,
    private readonly verified: VerifiedSessionId | null,
  ) {}

  start(session: Session, next: NextFunction): void {
    this.req.session = session;
    ({ writeHead: this.writeHead, end: this.end } = hookResponse(this.res, this));
    next();
  }

  newState(): SessionState {
    const at = this.shared.now();
    return {
      id: generateSessionId(),
      isNew: true,
      createdAt: at,
      lastSeenAt: at,
      snapshot: '{}',
      destroyed: false,
      resign: false,
      ops: this,
    };
  }

  // SessionOps: what req.session.save() & co. do. A store failure (Redis down or timing out,
  // a full or read-only disk) rejects with DependencyUnavailableError: a 503, like a failed read.
  async save(session: Session): Promise<void> {
    await this.storeCall(this.commit(session, this.shared.now()), session);
  }

  async destroy(session: Session): Promise<void> {
    const state = session[STATE];
    if (!state.isNew) {
      await this.storeCall(this.shared.store.destroy(state.id), session);
    }
    state.destroyed = true;
  }

  async regenerate(session: Session): Promise<Session> {
    await this.destroy(session);
    const fresh = new Session(this.newState());
    this.req.session = fresh;
    return fresh;
  }

  async regenerateWith(session: Session, data: Record<string, unknown>): Promise<Session> {
    const fresh = new Session(this.newState(), data);
    this.req.session = fresh;
    // Both writes are issued in this turn, so a batching store sends them together. Whichever
    // fails, the request fails (503), and the old id never gains the new data either way.
    await this.storeCall(Promise.all([this.destroy(session), this.commit(fresh, this.shared.now())]), session, fresh);
    return fresh;
  }

  async reload(session: Session): Promise<void> {
    const state = session[STATE];
    const record = state.isNew ? null : await this.storeCall(this.shared.store.get(state.id), session);
    for (const key of Object.keys(session)) {
      delete session[key];
    }
    if (record) {
      Object.assign(session, record.data);
      state.snapshot = serialize(session);
    }
  }

  /**
   * Any store error becomes "the session store is unavailable" (a 503), never a 500; the sessions
   * involved are not written again, and the cookie stays as it was (the store's state is unknown).
   */
  private async storeCall<T>(call: Promise<T>, ...sessions: Session[]): Promise<T> {
    try {
      return await call;
    } catch (error) {
      this.skipCookie = true;
      for (const session of sessions) {
        session[STATE].destroyed = true;
      }
      throw error instanceof DependencyUnavailableError ? error : new DependencyUnavailableError('session store', error);
    }
  }

  browserToken(session: Session): string | undefined {
    if (!session[STATE].isNew) {
      return undefined;
    }
    this.binding ??= { value: generateSessionId(), issued: true };
    return formTokenFor(this.binding.value, this.shared.secrets[0]);
  }

  isBrowserToken(session: Session, token: string): boolean {
    // A binding issued by this very request has no token in any form yet.
    const binding = this.binding;
    return session[STATE].isNew && binding !== undefined && !binding.issued && isFormTokenOf(binding.value, token, this.shared.secrets);
  }

  /** Only a write records the client, so most requests never pay for req.ip (proxy-addr). */
  private clientInfo(): { ip?: string; userAgent?: string } {
    return (this.client ??= {
      ip: this.req.ip,
      userAgent: (this.req.headers['user-agent'] ?? '').slice(0, USER_AGENT_MAX) || undefined,
    });
  }

  /** Persists what changed: create, update (only if it still exists), or a periodic touch. */
  async commit(session: Session, at: number): Promise<void> {
    const state = session[STATE];
    if (state.destroyed) {
      return;
    }
    const { store } = this.shared;
    const json = serialize(session);
    if (state.isNew) {
      if (json === '{}') {
        return; // nothing to remember: no session is created
      }
      await store.create(state.id, recordOf(session, at, this.clientInfo()));
      state.isNew = false;
    } else if (json !== state.snapshot) {
      if (!(await store.set(state.id, recordOf(session, at, this.clientInfo())))) {
        // Destroyed meanwhile (logout in another tab, revoked): the destroy wins.
        state.destroyed = true;
        return;
      }
    } else if (at - state.lastSeenAt >= this.shared.touchIntervalMs) {
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
  writeCookieOnce(): void {
    if (this.cookieWritten || this.skipCookie) {
      return;
    }
    this.cookieWritten = true;
    const session = this.req.session as Session | undefined;
    const cookie = session && sessionCookieUpdate(session, { raw: this.raw, verifiedId: this.verified?.id }, this.shared, this.binding);
    if (cookie !== undefined) {
      this.res.append('Set-Cookie', cookie);
    }
  }

  callWriteHead(args: unknown[]): Response {
    return this.writeHead.apply(this.res, args);
  }

  /** res.end: save first, then send; a failed save turns the response into a 503. */
  endAfterCommit(args: unknown[]): Response {
    const { res, end } = this;
    if (this.ending) {
      return end.apply(res, args);
    }
    this.ending = true;
    const session = this.req.session as Session | undefined;
    if (!session) {
      return end.apply(res, args);
    }
    this.commit(session, this.shared.now()).then(
      () => end.apply(res, args),
      (error: unknown) => this.failSave(error, args),
    );
    return res;
  }

  private failSave(error: unknown, args: unknown[]): void {
    const { req, res, end } = this;
    // Leave the browser's cookie as it was: we do not know what the store holds.
    this.skipCookie = true;
    if (res.headersSent) {
      end.apply(res, args);
      return;
    }
    // The page was rendered on the assumption the session would be kept; it was not. The
    // rendered body is dropped; the error path answers instead, and its res.end passes
    // straight through (`ending` is set).
    res.removeHeader('Content-Length');
    res.removeHeader('ETag');
    this.shared.onSaveFailed(new DependencyUnavailableError('session store', error), req, res);
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    session?: Session;
  }
}
