import { Module } from '@nestjs/common';
import { AccountsCoreModule } from '@app/auth';
import { AdminUsersService } from './admin-users.service.js';
import { UserDirectory } from './user-directory.js';

/** The admin panel's services (no HTTP: the pages live in apps/api/src/admin). */
@Module({
  imports: [AccountsCoreModule],
  providers: [UserDirectory, AdminUsersService],
  exports: [AdminUsersService],
})
export class AdminModule {}
