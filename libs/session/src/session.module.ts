import { Global, Inject, Injectable, Module, type NestMiddleware } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { REDIS } from '@app/redis';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Redis } from 'ioredis';
import type { SessionLifetime } from './session-record.js';
import { SessionStore } from './session-store.port.js';
import { SessionEventsListener } from './session-events.listener.js';
import { createSessionMiddleware } from './session.middleware.js';
import { SessionReaper } from './session-reaper.js';
import { SessionService } from './session.service.js';
import { FileSessionStore } from './stores/file-session-store.js';
import { MemorySessionStore } from './stores/memory-session-store.js';
import { RedisSessionStore } from './stores/redis-session-store.js';

function lifetimeOf(config: AppConfig): SessionLifetime {
  return { idleTtlMs: config.session.idleTtlMs, absoluteTtlMs: config.session.absoluteTtlMs };
}

/** Picks the store named by config (SESSION_STORE, or redis when REDIS_URL is set, else file). */
export function sessionStoreFactory(config: AppConfig, redis: Redis | null): SessionStore {
  const lifetime = lifetimeOf(config);
  const kind = config.session.store;
  switch (kind) {
    case 'redis':
      if (!redis) {
        throw new Error('SESSION_STORE=redis needs REDIS_URL');
      }
      return new RedisSessionStore(redis, lifetime, config.redis.keyPrefix);
    case 'file':
      return new FileSessionStore({ dir: config.session.dir, lifetime, secrets: config.session.secrets });
    case 'memory':
      return new MemorySessionStore(lifetime);
    default: {
      const unknown: never = kind;
      throw new Error(`unknown session store ${String(unknown)}`);
    }
  }
}

/**
 * Server-side sessions for the browser routes. The api's root module mounts
 * `SessionMiddleware` on the routes that need it (not health checks, not /api).
 * Also exposes queued flash messages to templates as `flash`.
 */
@Injectable()
export class SessionHttpHandler {
  readonly handle: RequestHandler;

  constructor(config: AppConfig, store: SessionStore) {
    this.handle = createSessionMiddleware({
      store,
      secrets: config.session.secrets,
      cookieName: config.session.cookieName,
      secure: config.session.secureCookie,
      lifetime: lifetimeOf(config),
    });
  }
}

/** Nest resolves a middleware in the module that applies it, so this depends on exports only. */
@Injectable()
export class SessionMiddleware implements NestMiddleware {
  constructor(
    @Inject(SessionHttpHandler) private readonly handler: SessionHttpHandler,
    @Inject(SessionService) private readonly sessions: SessionService,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    this.handler.handle(req, res, (error?: unknown) => {
      if (!error) {
        // Read lazily: a message is consumed only by a response that renders a page.
        const sessions = this.sessions;
        Object.defineProperty(res.locals, 'flash', { enumerable: true, configurable: true, get: () => sessions.consumeFlash(req) });
      }
      next(error);
    });
  }
}

@Global()
@Module({
  providers: [
    { provide: SessionStore, inject: [AppConfig, REDIS], useFactory: sessionStoreFactory },
    SessionService,
    SessionHttpHandler,
    SessionMiddleware,
    SessionEventsListener,
    SessionReaper,
  ],
  exports: [SessionService, SessionHttpHandler, SessionMiddleware, SessionReaper],
})
export class SessionModule {}
