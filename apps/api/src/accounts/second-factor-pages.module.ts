import { Module } from '@nestjs/common';
import { AuthModule } from '@app/auth';
import { SessionHttpModule } from '@app/session-http';
import { AdminSecondFactorController } from '../admin/admin-second-factor.controller.js';
import { LoginCodeController } from './login-code.controller.js';
import { SecondFactorController } from './second-factor.controller.js';

/**
 * The second factor's pages: the code step of a sign-in, the member's enrolment page and the
 * admin's reset. One module of their own, so the feature is added or removed in one line of
 * ApiModule (the admin controller sits with the admin pages by URL, not by module).
 */
@Module({
  imports: [AuthModule, SessionHttpModule],
  controllers: [LoginCodeController, SecondFactorController, AdminSecondFactorController],
})
export class SecondFactorPagesModule {}
