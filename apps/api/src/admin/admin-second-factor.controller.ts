import { Controller, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { Roles, SecondFactorService } from '@app/auth';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';

/**
 * An admin turns a user's second factor off (lost phone and lost recovery codes): the user signs
 * in with the password alone and can enrol again. Admins only (the global AccessGuard), with the
 * CSRF check every page form has.
 */
@Roles('admin')
@Controller('admin/users/:id/second-factor')
export class AdminSecondFactorController {
  constructor(
    private readonly secondFactor: SecondFactorService,
    private readonly browser: HttpSessionService,
  ) {}

  @Post('reset')
  async reset(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const wasOn = await this.secondFactor.reset(id);
    if (wasOn === null) {
      throw new NotFoundException('There is no such user.');
    }
    this.browser.flash(
      req,
      wasOn ? 'success' : 'info',
      wasOn ? 'Two-step sign-in is reset: the user signs in with the password alone and can turn it on again.' : 'Two-step sign-in was not on.',
    );
    res.redirect(303, `/admin/users/${id}`);
  }
}
