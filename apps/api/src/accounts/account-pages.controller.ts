import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import { AccountsService, ApiKeysService, InvalidFormError, RateLimited, Roles } from '@app/auth';
import { SessionService } from '@app/session';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';
import { ApiKeyForm, EmailChangeForm, NamesForm, PasswordChangeForm, PasswordConfirmForm, readForm } from './account-forms.js';
import { describeDevice } from './describe-device.js';

/** The signed-in member's own pages (the global AccessGuard requires a session for all of them). */
@Controller('account')
export class AccountPagesController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly apiKeys: ApiKeysService,
    private readonly sessions: SessionService,
    private readonly browser: HttpSessionService,
  ) {}

  @Get()
  @Render('accounts/home')
  home() {
    return { title: 'Your account' };
  }

  @Get('profile')
  @Render('accounts/profile')
  profile(@Req() req: Request) {
    return this.profileLocals(req);
  }

  private profileLocals(req: Request, extra: Record<string, unknown> = {}) {
    const user = req.user!;
    return {
      title: 'Profile',
      values: { firstName: user.firstName, lastName: user.lastName },
      errors: {},
      emailValues: {},
      emailErrors: {},
      ...extra,
    };
  }

  @Post('profile')
  async saveProfile(@Req() req: Request, @Res() res: Response, @Body() body: unknown) {
    const form = readForm(NamesForm, body);
    if (!form.ok) {
      return res.status(422).render('accounts/profile', this.profileLocals(req, { values: form.values, errors: form.errors }));
    }
    await this.accounts.updateNames(req.user!.userId, form.value.firstName, form.value.lastName);
    this.browser.flash(req, 'success', 'Your profile is saved.');
    res.redirect(303, '/account/profile');
  }

  @Post('email')
  @RateLimited('email-change')
  async changeEmail(@Req() req: Request, @Res() res: Response, @Body() body: unknown) {
    const form = readForm(EmailChangeForm, body);
    if (!form.ok) {
      return res.status(422).render('accounts/profile', this.profileLocals(req, { emailValues: form.values, emailErrors: form.errors }));
    }
    try {
      await this.accounts.requestEmailChange(req.user!.userId, form.value.password, form.value.email);
    } catch (error) {
      if (error instanceof InvalidFormError) {
        return res
          .status(422)
          .render('accounts/profile', this.profileLocals(req, { emailValues: { email: form.value.email }, emailErrors: error.fields }));
      }
      throw error;
    }
    this.browser.flash(
      req,
      'info',
      'If the new address can be used, we have mailed a confirmation link to it. Your address changes once you follow it.',
    );
    res.redirect(303, '/account/profile');
  }

  @Get('password')
  @Render('accounts/password')
  passwordForm() {
    return { title: 'Password', errors: {} };
  }

  @Post('password')
  @RateLimited('password-check')
  async changePassword(@Req() req: Request, @Res() res: Response, @Body() body: unknown) {
    const form = readForm(PasswordChangeForm, body);
    if (!form.ok) {
      return res.status(422).render('accounts/password', { title: 'Password', errors: form.errors });
    }
    const userId = req.user!.userId;
    let epoch: number;
    try {
      epoch = await this.accounts.changePassword(userId, form.value.currentPassword, form.value.newPassword);
    } catch (error) {
      if (error instanceof InvalidFormError) {
        return res.status(422).render('accounts/password', { title: 'Password', errors: error.fields });
      }
      throw error;
    }
    // This browser stays signed in, under a new session id and the new epoch; all others end.
    await this.browser.signIn(req, userId, epoch);
    await this.accounts.endOtherSessions(userId, this.browser.currentId(req));
    this.browser.flash(req, 'success', 'Your password is changed. Your other sessions were signed out.');
    res.redirect(303, '/account/password');
  }

  @Get('sessions')
  async sessionsPage(@Req() req: Request, @Res() res: Response) {
    res.render('accounts/sessions', await this.sessionsLocals(req, {}));
  }

  private async sessionsLocals(req: Request, errors: Record<string, string>) {
    const list = await this.sessions.listForUser(req.user!.userId, this.browser.currentId(req));
    // Pages name other sessions by an opaque handle: the HTML never carries a live session id.
    const sessions = list.map(({ id, ...s }) => ({ ...s, handle: this.browser.handleOf(id), device: describeDevice(s.userAgent) }));
    return { title: 'Sessions', errors, sessions };
  }

  @Post('sessions/revoke-others')
  @RateLimited('password-check')
  async revokeOthers(@Req() req: Request, @Res() res: Response, @Body() body: unknown) {
    const form = readForm(PasswordConfirmForm, body);
    try {
      if (!form.ok) {
        throw new InvalidFormError(form.errors);
      }
      await this.accounts.revokeOtherSessions(req.user!.userId, form.value.password, this.browser.currentId(req));
    } catch (error) {
      if (error instanceof InvalidFormError) {
        return res.status(422).render('accounts/sessions', await this.sessionsLocals(req, error.fields));
      }
      throw error;
    }
    this.browser.flash(req, 'success', 'All your other sessions are signed out.');
    res.redirect(303, '/account/sessions');
  }

  @Post('sessions/:handle/revoke')
  async revokeOne(@Req() req: Request, @Res() res: Response, @Param('handle') handle: string) {
    const others = (await this.sessions.listForUser(req.user!.userId, this.browser.currentId(req))).filter((s) => !s.current);
    const id = this.browser.idForHandle(handle, others.map((s) => s.id));
    const revoked = id !== undefined && (await this.accounts.revokeSession(req.user!.userId, id));
    this.browser.flash(req, revoked ? 'success' : 'warning', revoked ? 'That session is signed out.' : 'That session was already gone.');
    res.redirect(303, '/account/sessions');
  }

  @Get('api-keys')
  @Roles('dev')
  async apiKeysPage(@Req() req: Request, @Res() res: Response) {
    res.render('accounts/api-keys', await this.apiKeysLocals(req, {}));
  }

  private async apiKeysLocals(req: Request, extra: Record<string, unknown>) {
    return { title: 'API keys', keys: await this.apiKeys.list(req.user!.userId), values: {}, errors: {}, ...extra };
  }

  @Post('api-keys')
  @Roles('dev')
  @RateLimited('password-check')
  async createApiKey(@Req() req: Request, @Res() res: Response, @Body() body: unknown) {
    const form = readForm(ApiKeyForm, body);
    if (!form.ok) {
      return res.status(422).render('accounts/api-keys', await this.apiKeysLocals(req, { values: form.values, errors: form.errors }));
    }
    let created;
    try {
      created = await this.accounts.createApiKey(req.user!, form.value.password, form.value.label);
    } catch (error) {
      if (error instanceof InvalidFormError) {
        return res
          .status(422)
          .render('accounts/api-keys', await this.apiKeysLocals(req, { values: { label: form.value.label }, errors: error.fields }));
      }
      throw error;
    }
    // Shown in this response only: never stored in the session or put in a URL.
    res.status(201).render('accounts/api-keys', await this.apiKeysLocals(req, { newKey: created }));
  }

  @Post('api-keys/:id/delete')
  @Roles('dev')
  async deleteApiKey(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const deleted = await this.apiKeys.delete(req.user!.userId, id);
    this.browser.flash(
      req,
      deleted ? 'success' : 'warning',
      deleted ? 'The key is deleted and stops working now.' : 'That key was already gone.',
    );
    res.redirect(303, '/account/api-keys');
  }
}
