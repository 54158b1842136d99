import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { InvalidFormError, RateLimited, SecondFactorService, TooManyAttemptsError } from '@app/auth';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';
import QRCode from 'qrcode';

type Fields = Record<string, unknown> | undefined;

/**
 * The member's second factor (`/account/two-factor`): enrol with a QR code and a first code,
 * recovery codes, turning it off. The QR code is an inline <svg> rendered here (attributes only,
 * no script, no style attribute), so the page keeps the strict CSP; the secret is also shown as
 * text for apps without a camera. Signed-in pages already send `Cache-Control: no-store`.
 */
@Controller('account/two-factor')
export class SecondFactorController {
  constructor(
    private readonly secondFactor: SecondFactorService,
    private readonly browser: HttpSessionService,
  ) {}

  @Get()
  async page(@Req() req: Request, @Res() res: Response) {
    res.render('accounts/two-factor', await this.locals(req));
  }

  @Post('confirm')
  @HttpCode(200)
  async confirm(@Req() req: Request, @Res() res: Response, @Body() body: unknown) {
    const codes = await this.formStep(req, res, () => this.secondFactor.confirmEnrolment(req.user!.userId, (body as Fields)?.code, req.ip));
    if (codes) {
      res.render('accounts/two-factor-codes', { title: 'Two-step sign-in is on', codes, enabledNow: true });
    }
  }

  @Post('restart')
  async restart(@Req() req: Request, @Res() res: Response) {
    await this.secondFactor.startEnrolment(req.user!.userId);
    res.redirect(303, '/account/two-factor');
  }

  @Post('recovery-codes')
  @RateLimited('password-check')
  @HttpCode(200)
  async regenerate(@Req() req: Request, @Res() res: Response, @Body() body: unknown) {
    const codes = await this.formStep(req, res, () => this.secondFactor.regenerateRecoveryCodes(req.user!.userId, (body as Fields)?.password));
    if (codes) {
      res.render('accounts/two-factor-codes', { title: 'New recovery codes', codes, enabledNow: false });
    }
  }

  @Post('disable')
  @RateLimited('password-check')
  async disable(@Req() req: Request, @Res() res: Response, @Body() body: unknown) {
    const fields = body as Fields;
    const done = await this.formStep(req, res, async () => {
      await this.secondFactor.disable(req.user!.userId, fields?.password, fields?.code, req.ip);
      return true;
    });
    if (done) {
      this.browser.flash(req, 'success', 'Two-step sign-in is off. Your password alone signs you in now.');
      res.redirect(303, '/account/two-factor');
    }
  }

  /** Runs a form's action; a refused form is shown again beside its fields (422, or 429 when throttled). */
  private async formStep<T>(req: Request, res: Response, action: () => Promise<T>): Promise<T | undefined> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof InvalidFormError) {
        res.status(422).render('accounts/two-factor', await this.locals(req, error.fields));
        return undefined;
      }
      if (error instanceof TooManyAttemptsError) {
        res.setHeader('Retry-After', String(error.retryAfterSeconds));
        res.status(429).render('accounts/two-factor', await this.locals(req, { code: 'Too many wrong codes. Please wait a few minutes.' }));
        return undefined;
      }
      throw error;
    }
  }

  private async locals(req: Request, errors: Record<string, string> = {}) {
    const overview = await this.secondFactor.overview(req.user!.userId);
    const qrSvg = overview.enabled ? undefined : await QRCode.toString(overview.uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    return { title: 'Two-step sign-in', overview, qrSvg, errors };
  }
}
