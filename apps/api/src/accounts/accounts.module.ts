import { Module } from '@nestjs/common';
import { AccountSeeder, AuthModule } from '@app/auth';
import { SessionHttpModule } from '@app/session-http';
import { AccountPagesController } from './account-pages.controller.js';
import { AuthPagesController } from './auth-pages.controller.js';
import { InvitationPagesController } from './invitation-pages.controller.js';

/** Account pages: sign in/out, registration, password reset, and the member's own pages. */
@Module({
  imports: [AuthModule, SessionHttpModule],
  controllers: [AuthPagesController, AccountPagesController, InvitationPagesController],
  providers: [AccountSeeder],
})
export class AccountsModule {}
