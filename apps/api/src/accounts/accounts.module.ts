import { Module } from '@nestjs/common';
import { AccountSeeder, AuthModule } from '@app/auth';
import { AccountPagesController } from './account-pages.controller.js';
import { AuthPagesController } from './auth-pages.controller.js';

/** Account pages: sign in/out, registration, password reset, and the member's own pages. */
@Module({
  imports: [AuthModule],
  controllers: [AuthPagesController, AccountPagesController],
  providers: [AccountSeeder],
})
export class AccountsModule {}
