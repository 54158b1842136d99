import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import type { Request } from 'express';
import { isApiRequest } from '../access/access.guard.js';
import { isCsrfTokenValid, isSameOriginRequest } from './csrf.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every state-changing page request (login included) must carry the session's CSRF token and
 * must not come from another site. `/api` is exempt: it authenticates with a key that browsers
 * never attach on their own, and it never accepts a session.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  private readonly ownOrigin: string;
  private readonly acceptLoopback: boolean;

  constructor(config: AppConfig) {
    this.ownOrigin = new URL(config.http.baseUrl).origin;
    this.acceptLoopback = config.http.acceptLoopbackOrigins;
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') {
      return true;
    }
    const req = context.switchToHttp().getRequest<Request>();
    if (SAFE_METHODS.has(req.method) || isApiRequest(req)) {
      return true;
    }
    if (!isSameOriginRequest(req, this.ownOrigin, this.acceptLoopback)) {
      throw new ForbiddenException('Cross-site requests are not accepted.');
    }
    if (!isCsrfTokenValid(req)) {
      throw new ForbiddenException('The form has expired or was not sent from this site. Reload the page and try again.');
    }
    return true;
  }
}
