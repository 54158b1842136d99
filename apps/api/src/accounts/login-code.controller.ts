import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import {
  InvalidFormError,
  PendingLoginCookie,
  PendingLoginExpiredError,
  Public,
  safeNextPath,
  SecondFactorService,
  TooManyAttemptsError,
} from '@app/auth';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';

const TITLE = 'Two-step sign-in';

/**
 * The second step of a sign-in with a second factor: after the password (AuthPagesController.login)
 * the browser holds a pending-login cookie; a good code here signs the session in under a new id
 * (HttpSessionService.signIn: fixation) and clears the cookie. Until then nothing is stored.
 */
@Public()
@Controller('login/code')
export class LoginCodeController {
  constructor(
    private readonly secondFactor: SecondFactorService,
    private readonly pendingLogins: PendingLoginCookie,
    private readonly browser: HttpSessionService,
  ) {}

  @Get()
  form(@Req() req: Request, @Res() res: Response, @Query('next') next?: unknown) {
    res.setHeader('Cache-Control', 'no-store');
    if (!this.pendingLogins.read(req)) {
      return res.redirect(303, next === undefined ? '/login' : `/login?next=${encodeURIComponent(safeNextPath(next))}`);
    }
    res.render('accounts/login-code', { title: TITLE, next: nextOf(next) });
  }

  @Post()
  @HttpCode(200)
  async submit(@Req() req: Request, @Res() res: Response, @Body() body: unknown, @Query('next') next?: unknown) {
    res.setHeader('Cache-Control', 'no-store');
    const again = (status: number, error: string) => res.status(status).render('accounts/login-code', { title: TITLE, next: nextOf(next), error });
    const pending = this.pendingLogins.read(req);
    let user: { id: string; authEpoch: number };
    try {
      if (!pending) {
        throw new PendingLoginExpiredError();
      }
      user = await this.secondFactor.completeSignIn(pending, (body as { code?: unknown } | undefined)?.code, req.ip);
    } catch (error) {
      if (error instanceof InvalidFormError) {
        return again(422, error.fields.code ?? error.message);
      }
      if (error instanceof TooManyAttemptsError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
        return again(429, 'Too many wrong codes. Please wait a few minutes and try again.');
      }
      if (error instanceof PendingLoginExpiredError) {
        this.pendingLogins.clear(res);
        return res.status(400).render('accounts/message', {
          title: 'Sign in again',
          message: error.message,
          link: { href: '/login', label: 'Sign in' },
        });
      }
      throw error;
    }
    this.pendingLogins.clear(res);
    await this.browser.signIn(req, user.id, user.authEpoch);
    res.redirect(303, safeNextPath(next));
  }
}

function nextOf(next: unknown): string | undefined {
  return next === undefined ? undefined : safeNextPath(next);
}
