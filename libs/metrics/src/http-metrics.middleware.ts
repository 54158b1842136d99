import type { NextFunction, Request, Response } from 'express';
import { httpRequestDuration } from './registry.js';

/** Requests no route handled: static files, 404s, and requests refused before routing. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Times every request to its last byte and labels it with the route pattern Express matched
 * (Nest registers each handler as an Express route, so `req.route.path` is `/admin/users/:id`,
 * never the URL: the label set stays as small as the code). Mounted first, so time spent in
 * the session and the guards counts too.
 */
export function httpMetricsMiddleware(req: Request, res: Response, next: NextFunction): void {
  const end = httpRequestDuration.startTimer();
  // 'close' comes for every request, 'finish' only when the response was sent in full.
  res.once('close', () => {
    const status = res.writableFinished ? String(res.statusCode) : 'aborted';
    end({ method: req.method, route: routeLabel(req), status });
  });
  next();
}

function routeLabel(req: Request): string {
  const route = req.route as { path?: unknown; methods?: Record<string, boolean> } | undefined;
  if (typeof route?.path !== 'string') {
    return UNMATCHED_ROUTE;
  }
  // Nest mounts module middleware (the session, ...) as wildcard routes such as `{/*splat}`,
  // registered for every method Node knows, WebDAV's ACL included, which no handler of ours
  // answers: a request whose last match is one of those reached no handler.
  return route.path.includes('*') && route.methods?.acl ? UNMATCHED_ROUTE : route.path;
}
