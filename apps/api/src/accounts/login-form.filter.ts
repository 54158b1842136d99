import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import { EmailNotConfirmedError, LoginFailedError, safeNextPath, TooManyAttemptsError } from '@app/auth';
import type { Request, Response } from 'express';

/**
 * The login guard (passport-local) fails before the handler runs; this shows the form again with
 * the one generic message and the right status, instead of an error page.
 */
@Catch(LoginFailedError, EmailNotConfirmedError, TooManyAttemptsError)
export class LoginFormFilter implements ExceptionFilter {
  catch(error: LoginFailedError | EmailNotConfirmedError | TooManyAttemptsError, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (error instanceof TooManyAttemptsError) {
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
    }
    res.setHeader('Cache-Control', 'no-store');
    res.status(error.status).render('accounts/login', {
      title: 'Sign in',
      error: error.message,
      email: typeof body.email === 'string' ? body.email.slice(0, 254) : '',
      next: req.query.next === undefined ? undefined : safeNextPath(req.query.next),
    });
  }
}
