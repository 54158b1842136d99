import { type CanActivate, type ExecutionContext, ForbiddenException, HttpStatus, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '@app/errors';
import type { Request, Response } from 'express';
import { apiCredentialsOf, ApiKeysService } from '../api-keys/api-keys.service.js';
import { IS_PUBLIC, REQUIRED_ROLES } from './access.decorators.js';
import { hasAnyRole } from './principal.js';

/** A page needs a signed-in user: browsers are sent to the login form and come back afterwards. */
export class LoginRequiredError extends AppError {
  constructor(loginUrl: string) {
    super('unauthorized', HttpStatus.UNAUTHORIZED, 'Please sign in to see this page.');
    this.browserRedirect = loginUrl;
  }
}

export function isApiRequest(req: Request): boolean {
  return req.path === '/api' || req.path.startsWith('/api/');
}

/**
 * The one authentication and authorisation gate, global (APP_GUARD): everything requires a
 * signed-in principal unless marked `@Public()`. Pages accept only a session (resolved by
 * SessionPrincipalMiddleware), `/api` only an API key (resolved here), so a key never opens a
 * page and a stolen session cookie never drives the API.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') {
      return true;
    }
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) ?? false;
    const roles = this.reflector.getAllAndOverride<string[]>(REQUIRED_ROLES, targets);
    const req = context.switchToHttp().getRequest<Request>();
    const res = context.switchToHttp().getResponse<Response>();

    if (isApiRequest(req)) {
      req.user = undefined; // whatever a session said, /api trusts only a key
      const credentials = apiCredentialsOf(req.headers);
      if (credentials) {
        req.user = (await this.apiKeys.authenticate(credentials.id, credentials.secret)) ?? undefined;
        if (!req.user && !isPublic) {
          throw new UnauthorizedException('Invalid or revoked API key.');
        }
      }
    }
    if (isPublic && !roles) {
      return true;
    }
    if (!req.user) {
      if (isApiRequest(req)) {
        throw new UnauthorizedException('An API key is required: send "Authorization: Bearer <id>.<secret>".');
      }
      throw new LoginRequiredError(`/login?next=${encodeURIComponent(req.originalUrl)}`);
    }
    // Whatever is shown to a signed-in user is private: never stored by the browser or a proxy.
    res.setHeader('Cache-Control', 'no-store');
    if (roles && !hasAnyRole(req.user, roles)) {
      throw new ForbiddenException('Your account does not have access to this.');
    }
    return true;
  }
}
