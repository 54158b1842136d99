import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { AdminActionRefusedError, AdminUsersService } from '@app/admin';
import { Roles } from '@app/auth';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';
import { readForm } from '../accounts/account-forms.js';
import { ProfileForm } from './admin-forms.js';
import { AdminUserPage, noSuchUser } from './admin-user-page.js';

const EDITED = {
  saved: () => 'Saved.',
  'email-pending': (email: string) => `Saved. A confirmation link went to ${email}: the address changes when it is used.`,
  'invitation-moved': (email: string) => `Saved. The invitation now goes to ${email}; the link sent before no longer works.`,
};

/**
 * One user's account from the operator's side: edit names and address, resend the confirmation
 * (or invitation), force a password reset, delete. Admins only; every change is a CSRF-checked
 * POST (the global guards) that makes one AdminUsersService call.
 */
@Roles('admin')
@Controller('admin/users/:id')
export class AdminUserLifecycleController {
  private readonly page: AdminUserPage;

  constructor(
    private readonly admin: AdminUsersService,
    private readonly browser: HttpSessionService,
  ) {
    this.page = new AdminUserPage(admin, browser);
  }

  @Get('edit')
  async editForm(@Res() res: Response, @Param('id') id: string) {
    const user = await this.userOr404(id);
    res.render('admin/user-edit', { title: `Edit ${user.email}`, user, values: user, errors: {} });
  }

  @Post('edit')
  async edit(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: unknown) {
    const user = await this.userOr404(id);
    const form = readForm(ProfileForm, body);
    if (!form.ok) {
      return res.status(422).render('admin/user-edit', { title: `Edit ${user.email}`, user, values: form.values, errors: form.errors });
    }
    let outcome: Awaited<ReturnType<AdminUsersService['edit']>>;
    try {
      outcome = await this.admin.edit(req.user!.userId, id, form.value);
    } catch (error) {
      if (error instanceof AdminActionRefusedError) {
        const locals = { title: `Edit ${user.email}`, user, values: form.value, errors: {}, refused: error.message };
        return res.status(409).render('admin/user-edit', locals);
      }
      throw error;
    }
    if (outcome === null) {
      throw noSuchUser(); // deleted meanwhile
    }
    this.browser.flash(req, 'success', EDITED[outcome](form.value.email));
    res.redirect(303, `/admin/users/${id}`);
  }

  @Post('confirmation')
  async resendConfirmation(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.page.act(req, res, id, async () => {
      const sent = await this.admin.resendConfirmation(req.user!.userId, id);
      if (sent === null) {
        throw noSuchUser();
      }
      return sent === 'invitation' ? 'The invitation was sent again.' : 'The confirmation link was sent again.';
    });
  }

  @Post('password-reset')
  async forcePasswordReset(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.page.act(req, res, id, async () => {
      if (!(await this.admin.forcePasswordReset(req.user!.userId, id))) {
        throw noSuchUser();
      }
      return 'The password no longer works, every session and API key is ended, and a reset link was mailed.';
    });
  }

  /** The confirmation step: names the user, and posts the deletion (a GET never deletes). */
  @Get('delete')
  async deleteForm(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const user = await this.userOr404(id);
    res.render('admin/user-delete', { title: `Delete ${user.email}`, user, self: user.id === req.user!.userId });
  }

  @Post('delete')
  async delete(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const user = await this.userOr404(id);
    try {
      if (!(await this.admin.delete(req.user!.userId, id))) {
        throw noSuchUser(); // deleted meanwhile
      }
    } catch (error) {
      if (error instanceof AdminActionRefusedError) {
        const locals = { title: `Delete ${user.email}`, user, self: user.id === req.user!.userId, refused: error.message };
        return res.status(409).render('admin/user-delete', locals);
      }
      throw error;
    }
    this.browser.flash(req, 'success', `The account of ${user.email} is deleted, and its sessions, API keys and links with it.`);
    res.redirect(303, '/admin/users');
  }

  private async userOr404(id: string) {
    const detail = await this.admin.detail(id);
    if (!detail) {
      throw noSuchUser();
    }
    return detail.user;
  }
}
