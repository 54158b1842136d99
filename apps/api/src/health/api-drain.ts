import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@app/config';
import type { NextFunction, Request, Response } from 'express';

/**
 * Graceful stop behind a load balancer. Nest runs `beforeApplicationShutdown` before it closes
 * the HTTP server, so for HTTP_DRAIN_MS the api still serves every request while readiness says
 * 503 and each response carries `Connection: close` (keep-alive clients drop their pooled socket
 * instead of reusing it against a listener about to close). Then Nest closes the listener: idle
 * connections go, requests in flight finish, and only then do the database and Redis close.
 */
@Injectable()
export class ApiDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ApiDrain');
  private drainingSince?: number;

  constructor(private readonly config: AppConfig) {}

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.drainingSince = Date.now();
    const ms = this.config.http.drainMs;
    if (ms > 0) {
      this.logger.log(`draining: readiness 503 for ${ms} ms before the listener closes`);
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
  }

  /** Express middleware: while draining, every response closes its connection after it is sent. */
  readonly middleware = (_req: Request, res: Response, next: NextFunction): void => {
    if (this.draining) {
      res.setHeader('Connection', 'close');
    }
    next();
  };
}
