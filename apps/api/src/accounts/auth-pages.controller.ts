import { Body, Controller, Get, HttpCode, Post, Query, Render, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { AccountsService, type AuthenticatedUser, InvalidFormError, LocalLoginGuard, PendingLoginCookie, Public, safeNextPath } from '@app/auth';
import { RateLimited } from '@app/auth';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';
import { EmailForm, readForm, RegisterForm, ResetPasswordForm } from './account-forms.js';
import { LoginFormFilter } from './login-form.filter.js';

const CHECK_INBOX =
  'If the address can be used, we have sent a message to it. Follow the link in it to continue. It may take a minute to arrive.';

/** Signing in and out, registering, confirming the address, and resetting a forgotten password. */
@Public()
@Controller()
export class AuthPagesController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly browser: HttpSessionService,
    private readonly pendingLogins: PendingLoginCookie,
  ) {}

  @Get('login')
  @Render('accounts/login')
  loginForm(@Query('next') next?: string) {
    return { title: 'Sign in', next: next === undefined ? undefined : safeNextPath(next) };
  }

  @Post('login')
  @UseGuards(LocalLoginGuard)
  @UseFilters(LoginFormFilter)
  async login(@Req() req: Request, @Res() res: Response, @Query('next') next?: string) {
    const user = req.authenticatedUser as AuthenticatedUser;
    if (user.secondFactor) {
      // Not signed in yet: the code step (LoginCodeController) signs in; until then the browser
      // holds only a signed, short-lived pending-login cookie, and nothing is stored.
      this.pendingLogins.issue(req, res, user);
      return res.redirect(303, `/login/code${next === undefined ? '' : `?next=${encodeURIComponent(safeNextPath(next))}`}`);
    }
    await this.browser.signIn(req, user.id, user.authEpoch);
    res.redirect(303, safeNextPath(next));
  }

  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response) {
    // Deletes the record itself: replaying the old cookie afterwards is anonymous.
    await this.browser.destroy(req, res);
    await this.accounts.recordSignOut(req.user?.userId);
    res.redirect(303, '/');
  }

  @Get('register')
  @Render('accounts/register')
  registerForm() {
    return { title: 'Create an account', values: {}, errors: {} };
  }

  @Post('register')
  @RateLimited('register')
  @HttpCode(200)
  async register(@Body() body: unknown, @Res() res: Response) {
    const form = readForm(RegisterForm, body);
    if (!form.ok) {
      return res.status(422).render('accounts/register', { title: 'Create an account', values: form.values, errors: form.errors });
    }
    try {
      await this.accounts.register(form.value);
    } catch (error) {
      if (error instanceof InvalidFormError) {
        const { password: _password, ...values } = form.value;
        return res.status(422).render('accounts/register', { title: 'Create an account', values, errors: error.fields });
      }
      throw error;
    }
    res.render('accounts/message', { title: 'Check your inbox', message: CHECK_INBOX });
  }

  @Get('confirm-email')
  @Render('accounts/confirm-email')
  confirmForm(@Query('token') token?: string) {
    return { title: 'Confirm your email address', token: typeof token === 'string' ? token.slice(0, 100) : '' };
  }

  @Post('confirm-email')
  @HttpCode(200)
  async confirm(@Body('token') token: unknown, @Res() res: Response) {
    if (await this.accounts.confirmEmail(token)) {
      return res.render('accounts/message', {
        title: 'Address confirmed',
        message: 'Thank you: your email address is confirmed.',
        link: { href: '/login', label: 'Sign in' },
      });
    }
    res.status(400).render('accounts/message', {
      title: 'This link does not work',
      message: 'The link has expired or was already used. Sign in to ask for a new one, or register again.',
    });
  }

  @Get('forgot-password')
  @Render('accounts/forgot-password')
  forgotForm() {
    return { title: 'Forgot your password?', values: {}, errors: {} };
  }

  @Post('forgot-password')
  @RateLimited('forgot-password')
  @HttpCode(200)
  async forgot(@Body() body: unknown, @Res() res: Response) {
    const form = readForm(EmailForm, body);
    if (!form.ok) {
      return res
        .status(422)
        .render('accounts/forgot-password', { title: 'Forgot your password?', values: form.values, errors: form.errors });
    }
    await this.accounts.requestPasswordReset(form.value.email);
    res.render('accounts/message', { title: 'Check your inbox', message: CHECK_INBOX });
  }

  @Get('reset-password')
  async resetForm(@Query('token') token: unknown, @Res() res: Response) {
    if (!(await this.accounts.isResetTokenValid(token))) {
      return res.status(400).render('accounts/message', {
        title: 'This link does not work',
        message: 'The link has expired or was already used. Ask for a new one.',
        link: { href: '/forgot-password', label: 'Send a new link' },
      });
    }
    // The token is in this page's URL: no Referer leaves the site. Not `no-referrer`: with it,
    // browsers send `Origin: null` on the form's own POST, which the same-origin check refuses.
    res.setHeader('Referrer-Policy', 'same-origin');
    res.render('accounts/reset-password', { title: 'Choose a new password', token, errors: {} });
  }

  @Post('reset-password')
  @HttpCode(200)
  async reset(@Body() body: unknown, @Res() res: Response) {
    const form = readForm(ResetPasswordForm, body);
    if (!form.ok) {
      return res.status(422).render('accounts/reset-password', { title: 'Choose a new password', token: '', errors: form.errors });
    }
    try {
      if (!(await this.accounts.resetPassword(form.value.token, form.value.password))) {
        return res.status(400).render('accounts/message', {
          title: 'This link does not work',
          message: 'The link has expired or was already used. Ask for a new one.',
          link: { href: '/forgot-password', label: 'Send a new link' },
        });
      }
    } catch (error) {
      if (error instanceof InvalidFormError) {
        return res
          .status(422)
          .render('accounts/reset-password', { title: 'Choose a new password', token: form.value.token, errors: error.fields });
      }
      throw error;
    }
    res.render('accounts/message', {
      title: 'Password changed',
      message: 'Your password is changed and every session was signed out. Sign in with the new password.',
      link: { href: '/login', label: 'Sign in' },
    });
  }
}
