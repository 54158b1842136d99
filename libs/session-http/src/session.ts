import type { SessionRecord } from '@app/session';

/** Internal per-request bookkeeping, kept off the data so it is never serialised. */
export interface SessionState {
  id: string;
  /** Not in the store yet: created on first save if it then holds any data. */
  isNew: boolean;
  createdAt: number;
  lastSeenAt: number;
  /** JSON of the data as loaded (or last saved), to tell whether a write is needed. */
  snapshot: string;
  destroyed: boolean;
  /** Ask the cookie writer to (re)issue the cookie even though the id did not change. */
  resign: boolean;
  /** Operations bound to this request: store access, regeneration. */
  ops: SessionOps;
}

export interface SessionOps {
  save(session: Session): Promise<void>;
  destroy(session: Session): Promise<void>;
  regenerate(session: Session): Promise<Session>;
  regenerateWith(session: Session, data: Record<string, unknown>): Promise<Session>;
  reload(session: Session): Promise<void>;
  browserToken(session: Session): string | undefined;
  isBrowserToken(session: Session, token: string): boolean;
}

export const STATE = Symbol('session.state');

type Callback = (err?: unknown) => void;

function settle(promise: Promise<unknown>, cb?: Callback): Promise<void> {
  const done = promise.then(() => undefined);
  if (cb) {
    done.then(() => cb(), cb);
  }
  return done;
}

/**
 * `req.session`: the data lives in the object's own enumerable properties (what passport and
 * express-session code expect: `req.session.passport = {...}`); the methods mirror
 * express-session's and accept a callback or return a promise.
 */
export class Session {
  declare [STATE]: SessionState;
  [key: string]: unknown;

  constructor(state: SessionState, data: Record<string, unknown> = {}) {
    Object.defineProperty(this, STATE, { value: state, enumerable: false, writable: true });
    Object.assign(this, data);
  }

  get id(): string {
    return this[STATE].id;
  }

  /** Writes now (creating the session if it is new and holds data). */
  save(cb?: Callback): Promise<void> {
    return settle(this[STATE].ops.save(this), cb);
  }

  /** Ends the session: the server-side record is deleted, the cookie cleared. */
  destroy(cb?: Callback): Promise<void> {
    return settle(this[STATE].ops.destroy(this), cb);
  }

  /** New id, empty data; the old record is destroyed (session fixation defence). */
  regenerate(cb?: Callback): Promise<void> {
    return settle(this[STATE].ops.regenerate(this), cb);
  }

  /**
   * regenerate() + assign `data` + save(), with the old record's deletion and the new one's
   * creation sent together (one round trip on the Redis store). Resolves once both are done.
   */
  regenerateWith(data: Record<string, unknown>): Promise<void> {
    return settle(this[STATE].ops.regenerateWith(this, data));
  }

  /**
   * A form token for a visitor with no stored session, bound to this browser's cookie and
   * stored nowhere (the cookie then holds a signed random value, not a session id). Undefined
   * once the session is stored: then the cookie holds its id, and tokens belong in its data.
   */
  browserToken(): string | undefined {
    return this[STATE].ops.browserToken(this);
  }

  /** Whether `token` is this browser's form token (see browserToken); false once the session is stored. */
  isBrowserToken(token: string): boolean {
    return this[STATE].ops.isBrowserToken(this, token);
  }

  /** Re-reads the data from the store. */
  reload(cb?: Callback): Promise<void> {
    return settle(this[STATE].ops.reload(this), cb);
  }
}

export function sessionData(session: Session): Record<string, unknown> {
  return { ...session };
}

export function serialize(session: Session): string {
  return JSON.stringify(session);
}

export function recordOf(session: Session, now: number, client: { ip?: string; userAgent?: string }): SessionRecord {
  const state = session[STATE];
  const data = sessionData(session);
  return {
    createdAt: state.createdAt,
    lastSeenAt: now,
    userId: typeof data.userId === 'string' ? data.userId : undefined,
    ip: client.ip,
    userAgent: client.userAgent,
    data,
  };
}
