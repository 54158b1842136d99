import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { AccountAdminService, InvalidFormError, Public } from '@app/auth';
import type { Response } from 'express';
import { readForm, ResetPasswordForm } from './account-forms.js';

const TITLE = 'Choose your password';
const DEAD_LINK = {
  title: 'This link does not work',
  message: 'The invitation has expired or was already used. Ask the person who invited you to send a new one.',
};

/**
 * The page an invitation links to (an account an admin created): the owner chooses a password,
 * which also confirms the address, then signs in like anyone else. Same shape as the reset page.
 */
@Public()
@Controller('accept-invitation')
export class InvitationPagesController {
  constructor(private readonly accountAdmin: AccountAdminService) {}

  @Get()
  async form(@Query('token') token: unknown, @Res() res: Response) {
    if (!(await this.accountAdmin.isInvitationValid(token))) {
      return res.status(400).render('accounts/message', DEAD_LINK);
    }
    // The token is in this page's URL: no Referer leaves the site (why not `no-referrer`: the reset page).
    res.setHeader('Referrer-Policy', 'same-origin');
    res.render('accounts/accept-invitation', { title: TITLE, token, errors: {} });
  }

  @Post()
  @HttpCode(200)
  async accept(@Body() body: unknown, @Res() res: Response) {
    const form = readForm(ResetPasswordForm, body);
    if (!form.ok) {
      return res.status(422).render('accounts/accept-invitation', { title: TITLE, token: '', errors: form.errors });
    }
    try {
      if (!(await this.accountAdmin.acceptInvitation(form.value.token, form.value.password))) {
        return res.status(400).render('accounts/message', DEAD_LINK);
      }
    } catch (error) {
      if (error instanceof InvalidFormError) {
        return res.status(422).render('accounts/accept-invitation', { title: TITLE, token: form.value.token, errors: error.fields });
      }
      throw error;
    }
    res.render('accounts/message', {
      title: 'Password set',
      message: 'Your password is set and your address is confirmed. Sign in with your address and the new password.',
      link: { href: '/login', label: 'Sign in' },
    });
  }
}
