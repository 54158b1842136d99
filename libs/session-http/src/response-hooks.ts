import type { Response } from 'express';

export type ResponseMethod = (...args: unknown[]) => Response;

/** What a hooked response calls back into: the request's session bookkeeping. */
export interface SessionResponseHooks {
  /** Right before the headers go out, whatever path the response took. */
  writeCookieOnce(): void;
  /** The original res.writeHead. */
  callWriteHead(args: unknown[]): Response;
  /** Instead of res.end: may hold the real end back until the session is saved. */
  endAfterCommit(args: unknown[]): Response;
}

const CONTEXT = Symbol('session.request');
type HookedResponse = Response & { [CONTEXT]?: SessionResponseHooks };

/** Whether a session middleware has hooked this response already (mounted twice on one route). */
export function isHooked(res: Response): boolean {
  return (res as HookedResponse)[CONTEXT] !== undefined;
}

/**
 * Routes res.writeHead and res.end through `hooks` and returns the originals, which the hooks
 * call in the end. The replacements are shared functions that find their request through the
 * response, not closures made per request.
 */
export function hookResponse(res: Response, hooks: SessionResponseHooks): { writeHead: ResponseMethod; end: ResponseMethod } {
  (res as HookedResponse)[CONTEXT] = hooks;
  const originals = { writeHead: res.writeHead as unknown as ResponseMethod, end: res.end as unknown as ResponseMethod };
  res.writeHead = hookedWriteHead as unknown as typeof res.writeHead;
  res.end = hookedEnd as unknown as typeof res.end;
  return originals;
}

function hookedWriteHead(this: HookedResponse, ...args: unknown[]): Response {
  const hooks = this[CONTEXT]!;
  hooks.writeCookieOnce();
  return hooks.callWriteHead(args);
}

function hookedEnd(this: HookedResponse, ...args: unknown[]): Response {
  return this[CONTEXT]!.endAfterCommit(args);
}
