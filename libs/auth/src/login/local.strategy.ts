import { Injectable } from '@nestjs/common';
import { AuthGuard, PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-local';
import { LoginFailedError } from '../accounts/account-errors.js';
import { type AuthenticatedUser, LoginService } from './login.service.js';

/** passport-local on the email + password form fields (body only); the checking itself is LoginService's. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly login: LoginService) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true });
  }

  validate(req: Request, email: string, password: string): Promise<AuthenticatedUser> {
    // passport-local falls back to the query string for a field the body lacks: only the posted
    // form counts (credentials in a URL end up in logs, history and Referer headers).
    const body = req.body as Record<string, unknown> | undefined;
    if (body?.email !== email || body?.password !== password) {
      return Promise.reject(new LoginFailedError());
    }
    return this.login.authenticate(email, password, req.ip ?? '');
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by LocalLoginGuard for the login handler, which then signs the session in. */
    authenticatedUser?: AuthenticatedUser;
  }
}

/**
 * Runs the local strategy without passport's own session handling: the handler signs the user
 * in with SessionService (new session id, user id and auth epoch), which is all a session holds.
 */
@Injectable()
export class LocalLoginGuard extends AuthGuard('local') {
  override getAuthenticateOptions() {
    return { session: false, property: 'authenticatedUser' };
  }

  override handleRequest<T>(error: unknown, user: T): T {
    if (error) {
      throw error;
    }
    if (!user) {
      throw new LoginFailedError(); // passport-local: a field was missing
    }
    return user;
  }
}
