import type { DependencyUnavailableError } from '@app/errors';
import type { SessionLifetime, SessionStore } from '@app/session';
import type { Request, Response } from 'express';

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
  /**
   * Answers a request whose session could not be saved after its page was rendered (the store
   * failed at the last moment). The app passes its one error path, so this 503 looks like
   * every other; the response has not been sent yet.
   */
  onSaveFailed: (error: DependencyUnavailableError, req: Request, res: Response) => void;
}
