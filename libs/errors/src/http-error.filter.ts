import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '@app/config';
import type { Request, Response } from 'express';
import { AppError } from './app-error.js';
import { isDependencyFailure } from './dependency-failure.js';
import { codeForStatus, titleForStatus } from './error-codes.js';
import { ErrorReporter } from './error-reporter.port.js';

/** What every failure is reduced to before it is rendered, as HTML or as JSON. */
export interface ErrorView {
  statusCode: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Set only for errors we did not expect; logged, and shown in development only. */
  unexpected?: Error;
}

const GENERIC_500 = 'An unexpected error occurred. It has been logged.';

/** http-errors style errors (body-parser, raw-body) carry a status and say whether to expose. */
function isHttpErrorLike(e: unknown): e is { status: number; message: string; expose?: boolean } {
  const s = (e as { status?: unknown } | null)?.status;
  return typeof s === 'number' && s >= 400 && s < 500;
}

export function toErrorView(exception: unknown): ErrorView {
  if (exception instanceof AppError) {
    return {
      statusCode: exception.status,
      code: exception.code,
      message: exception.message,
      details: exception.details,
      unexpected: exception.status >= 500 && exception.cause instanceof Error ? exception.cause : undefined,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const body = exception.getResponse();
    let message = exception.message;
    if (typeof body === 'object' && body !== null && 'message' in body) {
      const m = (body as { message: unknown }).message;
      message = Array.isArray(m) ? m.join('; ') : String(m);
    }
    if (status >= 500 && isDependencyFailure(exception.cause)) {
      return dependencyDown();
    }
    return {
      statusCode: status,
      code: codeForStatus(status),
      message: status >= 500 && status !== 503 ? GENERIC_500 : message,
      unexpected: status >= 500 && status !== 503 ? exception : undefined,
    };
  }
  if (isDependencyFailure(exception)) {
    return dependencyDown();
  }
  if (isHttpErrorLike(exception)) {
    return {
      statusCode: exception.status,
      code: codeForStatus(exception.status),
      message: exception.expose === false ? titleForStatus(exception.status) : exception.message,
    };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'internal_error',
    message: GENERIC_500,
    unexpected: exception instanceof Error ? exception : new Error(String(exception)),
  };
}

/** An outage is not a bug: the filter logs it as a warning, and the user is told to retry. */
function dependencyDown(): ErrorView {
  return {
    statusCode: HttpStatus.SERVICE_UNAVAILABLE,
    code: 'service_unavailable',
    message: 'A service this page needs is temporarily unavailable. Please try again shortly.',
  };
}

/** Browser pages get HTML; `/api`, health checks and clients that ask for JSON get JSON. */
export function wantsJson(req: Request): boolean {
  const path = req.path ?? req.url ?? '';
  if (path === '/api' || path.startsWith('/api/') || path.startsWith('/health')) {
    return true;
  }
  return req.accepts(['html', 'json']) === 'json';
}

/**
 * The one error path: every exception, from a controller, a guard, a
 * middleware or Express itself (body parsing), ends here and is rendered once.
 */
@Catch()
@Injectable()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(
    private readonly config: AppConfig,
    // ErrorsModule passes an ErrorReporterLookup: libs/errors depends on no mailer.
    @Optional() private readonly reporter?: ErrorReporter,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.respond(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }

  /**
   * Renders `exception` as the answer to `req`: for code that fails outside Nest's pipeline but
   * must answer like everything else (the session middleware, when a save fails at res.end).
   */
  respond(exception: unknown, req: Request, res: Response): void {
    const view = toErrorView(exception);
    const requestId = String(req.id ?? '');

    this.log(view, exception, req);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (exception instanceof AppError && exception.browserRedirect && !wantsJson(req) && (req.method === 'GET' || req.method === 'HEAD')) {
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, exception.browserRedirect);
      return;
    }
    res.status(view.statusCode);
    if (view.statusCode === 503) {
      res.setHeader('Retry-After', '5');
    }
    // Error responses are never cached: a 503 must not outlive the outage in a proxy.
    res.setHeader('Cache-Control', 'no-store');
    if (wantsJson(req)) {
      res.json({
        statusCode: view.statusCode,
        code: view.code,
        message: view.message,
        requestId,
        ...view.details,
      });
      return;
    }
    const showStack = !this.config.isProduction && this.config.env === 'development';
    res.render(
      'errors/error',
      {
        statusCode: view.statusCode,
        title: titleForStatus(view.statusCode),
        message: view.message,
        code: view.code,
        requestId,
        details: view.details,
        stack: showStack ? view.unexpected?.stack : undefined,
      },
      (renderError: Error | null, html?: string) => {
        if (renderError) {
          this.logger.error(`error page failed to render: ${renderError.message}`);
          res.type('text/plain').send(`${view.statusCode} ${titleForStatus(view.statusCode)}\nRequest id: ${requestId}\n`);
          return;
        }
        res.type('html').send(html);
      },
    );
  }

  private log(view: ErrorView, exception: unknown, req: Request): void {
    const where = `${req.method} ${req.path} (request ${req.id ?? '-'})`;
    if (view.unexpected) {
      this.logger.error(`${view.unexpected.message} at ${where}`, view.unexpected.stack);
    }
    // Bugs are mailed to the admins; an outage (503) is not a bug, and its report could not be
    // queued while the queue or the database is down anyway.
    if (view.unexpected && view.statusCode !== 503) {
      this.reporter?.report({
        error: view.unexpected,
        source: 'http',
        requestId: req.id === undefined ? undefined : String(req.id),
        method: req.method,
        // The route pattern, never the URL: paths and query strings can carry tokens.
        route: (req.route as { path?: string } | undefined)?.path ?? req.path,
        userId: (req as { session?: { userId?: unknown } }).session?.userId?.toString(),
      });
    }
    if (!view.unexpected && view.statusCode === 503) {
      const reason =
        exception instanceof Error ? (exception.cause instanceof Error ? exception.cause.message : exception.message) : String(exception);
      this.logger.warn(`dependency unavailable at ${where}: ${reason}`);
    }
  }
}
