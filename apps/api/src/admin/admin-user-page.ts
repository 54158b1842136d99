import { NotFoundException } from '@nestjs/common';
import { AdminActionRefusedError, type AdminUsersService } from '@app/admin';
import { validationFailed } from '@app/errors';
import type { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';
import { describeDevice } from '../accounts/describe-device.js';

export function noSuchUser(): NotFoundException {
  return new NotFoundException('There is no such user.');
}

/** A form's field messages as the 400 `validation_failed` answer (for fields a page never shows). */
export function badForm(fields: Record<string, string>) {
  return validationFailed(Object.fromEntries(Object.entries(fields).map(([field, message]) => [field, [message]])));
}

/**
 * The one user's page (`admin/user`) and the post/redirect/get around the changes made from it,
 * shared by the controllers that act on one user (a plain helper: it holds no state of its own).
 */
export class AdminUserPage {
  constructor(
    private readonly admin: AdminUsersService,
    private readonly browser: HttpSessionService,
  ) {}

  /** Runs a change; on success flashes and redirects, on refusal shows the user's page again with a 409. */
  async act(req: Request, res: Response, id: string, change: () => Promise<string>): Promise<void> {
    let message: string;
    try {
      message = await change();
    } catch (error) {
      if (error instanceof AdminActionRefusedError) {
        res.status(409).render('admin/user', await this.locals(req, id, error.message));
        return;
      }
      throw error;
    }
    this.browser.flash(req, 'success', message);
    res.redirect(303, `/admin/users/${id}`);
  }

  async locals(req: Request, id: string, refused?: string) {
    const detail = await this.admin.detail(id);
    if (!detail) {
      throw noSuchUser();
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
