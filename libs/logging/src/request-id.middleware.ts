import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A caller-supplied id is kept (so a proxy's id follows the request) only if it is short and plain. */
const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Runs first, before static files and before any Nest code, so every response (errors included)
 * carries an id that also appears in the request log and in error pages.
 */
export function requestIdMiddleware(req: Request & { id?: string }, res: Response, next: NextFunction): void {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_ID.test(incoming) ? incoming : randomUUID();
  req.id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}
