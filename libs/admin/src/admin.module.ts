import { Module } from '@nestjs/common';
import { AuditModule } from '@app/audit';
import { AccountsCoreModule } from '@app/auth';
import { SessionStoreModule } from '@app/session';
import { AdminUsersService } from './admin-users.service.js';

/** The admin panel's services (no HTTP: the pages live in apps/api/src/admin). */
@Module({
  imports: [AccountsCoreModule, SessionStoreModule, AuditModule],
  providers: [AdminUsersService],
  exports: [AdminUsersService],
})
export class AdminModule {}
