import { Injectable, type NestMiddleware } from '@nestjs/common';
import { DependencyUnavailableError, isDependencyFailure } from '@app/errors';
import type { NextFunction, Request, Response } from 'express';
import { csrfTokenFor } from '../csrf/csrf.js';
import { AuthStateCache } from '../users/auth-state-cache.js';
import { UsersRepository } from '../users/users.repository.js';
import { hasAnyRole } from './principal.js';

/**
 * Turns the session's `userId` + `authEpoch` into `req.user` for pages, with one narrow query
 * (or its cached answer: AuthStateCache, which every change to the user invalidates).
 * A session whose user is gone, disabled, or whose password changed since (epoch moved) is
 * destroyed right here (and replaced by an empty one): that is how "ends on the very next request" holds even for a session
 * that a revocation missed. Also exposes what the layout needs (user, role flags, CSRF token).
 */
@Injectable()
export class SessionPrincipalMiddleware implements NestMiddleware {
  constructor(
    private readonly users: UsersRepository,
    private readonly authStates: AuthStateCache,
  ) {}

  async use(req: Request, res: Response, next: NextFunction): Promise<void> {
    // A function, called by templates only where a form is rendered, so that other pages do not
    // create a session just to hold a token.
    res.locals.csrfToken = () => csrfTokenFor(req);
    const session = req.session;
    const userId = session?.userId;
    if (!session || userId === undefined) {
      next();
      return;
    }
    try {
      const state = typeof userId === 'string' ? await this.authStates.find(userId, (id) => this.users.findAuthState(id)) : null;
      if (!state || !state.active || state.authEpoch !== session.authEpoch) {
        // The stale record is destroyed; the request goes on with a fresh, empty session.
        await session.regenerate();
        next();
        return;
      }
      // A privilege change (an admin granting or removing a role) rotates the session id on the
      // user's next request: the session remembers the roles it was last issued under.
      const privileges = [...state.roles].sort().join(',');
      if (session.privileges === undefined) {
        session.privileges = privileges;
      } else if (session.privileges !== privileges) {
        await session.regenerateWith({ userId: state.id, authEpoch: state.authEpoch, privileges });
      }
      req.user = {
        userId: state.id,
        email: state.email,
        firstName: state.firstName,
        lastName: state.lastName,
        roles: state.roles,
        via: 'session',
        directoryManaged: state.authSource === 'ldap',
      };
      res.locals.currentUser = req.user;
      // Every page rendered for a signed-in user may show their name or data: never cached.
      res.setHeader('Cache-Control', 'no-store');
      res.locals.can = { apiKeys: hasAnyRole(req.user, ['dev']), admin: hasAnyRole(req.user, ['admin']) };
      next();
    } catch (error) {
      next(isDependencyFailure(error) ? new DependencyUnavailableError('database', error) : error);
    }
  }
}
