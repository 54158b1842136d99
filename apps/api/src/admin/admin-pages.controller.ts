import { Body, Controller, Get, NotFoundException, Param, Post, Query, Redirect, Req, Res } from '@nestjs/common';
import { AdminActionRefusedError, AdminUsersService } from '@app/admin';
import { Roles } from '@app/auth';
import { validationFailed } from '@app/errors';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';
import { describeDevice } from '../accounts/describe-device.js';
import { readForm } from '../accounts/account-forms.js';
import { ActiveForm, RolesForm, UserSearchQuery } from './admin-forms.js';

/** The admin panel: users, their roles and sessions. Admins only (the global AccessGuard). */
@Roles('admin')
@Controller('admin')
export class AdminPagesController {
  constructor(
    private readonly admin: AdminUsersService,
    private readonly browser: HttpSessionService,
  ) {}

  @Get()
  @Redirect('/admin/users', 303)
  home(): void {}

  @Get('users')
  async users(@Query() query: UserSearchQuery, @Res() res: Response) {
    const q = query.q ?? '';
    const result = await this.admin.list(q, query.page ?? 1);
    res.render('admin/users', { title: 'Users', q, ...result });
  }

  @Get('users/:id')
  async user(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    res.render('admin/user', await this.userLocals(req, id));
  }

  @Post('users/:id/active')
  async setActive(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: unknown) {
    const form = readForm(ActiveForm, body);
    if (!form.ok) {
      throw badForm(form.errors);
    }
    const active = form.value.active === 'true';
    await this.act(req, res, id, async () => {
      await this.found(this.admin.setActive(req.user!.userId, id, active));
      return active ? 'The account is enabled.' : 'The account is disabled and signed out everywhere.';
    });
  }

  @Post('users/:id/roles')
  async setRoles(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: unknown) {
    const form = readForm(RolesForm, body);
    if (!form.ok) {
      throw badForm(form.errors);
    }
    await this.act(req, res, id, async () => {
      await this.found(this.admin.setRoles(req.user!.userId, id, form.value.roles));
      return 'Roles saved. They apply from the user’s next request.';
    });
  }

  @Post('users/:id/sessions/revoke')
  async revokeSessions(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.act(req, res, id, async () => {
      const keep = id === req.user!.userId ? this.browser.currentId(req) : undefined;
      const ended = await this.admin.revokeSessions(req.user!.userId, id, keep);
      if (ended === null) {
        throw new NotFoundException('There is no such user.');
      }
      return ended === 1 ? '1 session signed out.' : `${ended} sessions signed out.`;
    });
  }

  /** Runs a change; on success flashes and redirects (post/redirect/get), on refusal shows the page again with a 409. */
  private async act(req: Request, res: Response, id: string, change: () => Promise<string>): Promise<void> {
    let message: string;
    try {
      message = await change();
    } catch (error) {
      if (error instanceof AdminActionRefusedError) {
        res.status(409).render('admin/user', await this.userLocals(req, id, error.message));
        return;
      }
      throw error;
    }
    this.browser.flash(req, 'success', message);
    res.redirect(303, `/admin/users/${id}`);
  }

  private async found(change: Promise<boolean>): Promise<void> {
    if (!(await change)) {
      throw new NotFoundException('There is no such user.');
    }
  }

  private async userLocals(req: Request, id: string, refused?: string) {
    const detail = await this.admin.detail(id);
    if (!detail) {
      throw new NotFoundException('There is no such user.');
    }
    const current = this.browser.currentId(req);
    return {
      title: detail.user.email,
      ...detail,
      self: detail.user.id === req.user!.userId,
      refused,
      sessions: detail.sessions.map((s) => ({ ...s, device: describeDevice(s.userAgent), current: s.id === current })),
    };
  }
}

function badForm(fields: Record<string, string>) {
  return validationFailed(Object.fromEntries(Object.entries(fields).map(([field, message]) => [field, [message]])));
}
