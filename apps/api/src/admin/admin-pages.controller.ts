import { Body, Controller, Get, Param, Post, Query, Redirect, Req, Res } from '@nestjs/common';
import { AdminActionRefusedError, AdminUsersService } from '@app/admin';
import { Roles } from '@app/auth';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';
import { readForm } from '../accounts/account-forms.js';
import { ActiveForm, NewUserForm, RolesForm, UserSearchQuery } from './admin-forms.js';
import { AdminUserPage, badForm, noSuchUser } from './admin-user-page.js';

/**
 * The admin panel: users, creating them, their roles and sessions. Admins only (the global
 * AccessGuard). Editing, deleting and the mails: AdminUserLifecycleController.
 */
@Roles('admin')
@Controller('admin')
export class AdminPagesController {
  private readonly page: AdminUserPage;

  constructor(
    private readonly admin: AdminUsersService,
    private readonly browser: HttpSessionService,
  ) {
    this.page = new AdminUserPage(admin, browser);
  }

  @Get()
  @Redirect('/admin/users', 303)
  home(): void {}

  @Get('users')
  async users(@Query() query: UserSearchQuery, @Res() res: Response) {
    const q = query.q ?? '';
    const result = await this.admin.list(q, query.page ?? 1);
    res.render('admin/users', { title: 'Users', q, ...result });
  }

  // Declared before `users/:id`, so that `new` is not taken for an id.
  @Get('users/new')
  async newUserForm(@Res() res: Response) {
    res.render('admin/user-new', await this.newUserLocals({ roles: ['user'] }, {}));
  }

  @Post('users')
  async createUser(@Req() req: Request, @Res() res: Response, @Body() body: unknown) {
    const form = readForm(NewUserForm, body);
    if (!form.ok) {
      const roles = readForm(RolesForm, body);
      const values = { ...form.values, roles: roles.ok ? roles.value.roles : [] };
      return res.status(422).render('admin/user-new', await this.newUserLocals(values, form.errors));
    }
    let id: string;
    try {
      id = await this.admin.create(req.user!.userId, form.value);
    } catch (error) {
      if (error instanceof AdminActionRefusedError) {
        return res.status(409).render('admin/user-new', await this.newUserLocals(form.value, {}, error.message));
      }
      throw error;
    }
    this.browser.flash(req, 'success', `Account created. An invitation to choose a password went to ${form.value.email}.`);
    res.redirect(303, `/admin/users/${id}`);
  }

  @Get('users/:id')
  async user(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    res.render('admin/user', await this.page.locals(req, id));
  }

  @Post('users/:id/active')
  async setActive(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: unknown) {
    const form = readForm(ActiveForm, body);
    if (!form.ok) {
      throw badForm(form.errors);
    }
    const active = form.value.active === 'true';
    await this.page.act(req, res, id, async () => {
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
    await this.page.act(req, res, id, async () => {
      await this.found(this.admin.setRoles(req.user!.userId, id, form.value.roles));
      return 'Roles saved. They apply from the user’s next request.';
    });
  }

  @Post('users/:id/sessions/revoke')
  async revokeSessions(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.page.act(req, res, id, async () => {
      const keep = id === req.user!.userId ? this.browser.currentId(req) : undefined;
      const ended = await this.admin.revokeSessions(req.user!.userId, id, keep);
      if (ended === null) {
        throw noSuchUser();
      }
      return ended === 1 ? '1 session signed out.' : `${ended} sessions signed out.`;
    });
  }

  private async found(change: Promise<boolean>): Promise<void> {
    if (!(await change)) {
      throw noSuchUser();
    }
  }

  private async newUserLocals(values: Partial<NewUserForm>, errors: Record<string, string>, refused?: string) {
    return { title: 'New user', values, errors, refused, allRoles: await this.admin.roleNames() };
  }
}
