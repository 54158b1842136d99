import { Injectable, Module, type NestMiddleware } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ErrorsModule, HttpErrorFilter } from '@app/errors';
import { sessionLifetime, SessionStore, SessionStoreModule } from '@app/session';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HttpSessionService } from './http-session.service.js';
import { createSessionMiddleware } from './session.middleware.js';

/**
 * `req.session` for the page routes (the api's root module mounts it; not on health checks or
 * /api), and the queued flash messages as the `flash` template variable. Built once per
 * process: the express handler holds the id verifier's cache.
 */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  private readonly handle: RequestHandler;

  constructor(
    config: AppConfig,
    store: SessionStore,
    errors: HttpErrorFilter,
    private readonly sessions: HttpSessionService,
  ) {
    this.handle = createSessionMiddleware({
      store,
      secrets: config.session.secrets,
      cookieName: config.session.cookieName,
      secure: config.session.secureCookie,
      lifetime: sessionLifetime(config.session),
      onSaveFailed: (error, req, res) => errors.respond(error, req, res),
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.handle(req, res, (error?: unknown) => {
      if (!error) {
        // Read lazily: a message is consumed only by a response that renders a page.
        const sessions = this.sessions;
        Object.defineProperty(res.locals, 'flash', { enumerable: true, configurable: true, get: () => sessions.consumeFlash(req) });
      }
      next(error);
    });
  }
}

/** The HTTP side of sessions: the cookie middleware and the request-bound HttpSessionService. */
@Module({
  imports: [SessionStoreModule, ErrorsModule],
  providers: [HttpSessionService, SessionMiddleware],
  exports: [HttpSessionService, SessionMiddleware, SessionStoreModule],
})
export class SessionHttpModule {}
