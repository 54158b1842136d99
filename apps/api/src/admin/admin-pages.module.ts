import { Module } from '@nestjs/common';
import { AdminModule } from '@app/admin';
import { AuditModule } from '@app/audit';
import { MailAdminModule } from '@app/mail';
import { QueueModule } from '@app/queue';
import { SessionHttpModule } from '@app/session-http';
import { AdminAuditController } from './admin-audit.controller.js';
import { AdminJobsController } from './admin-jobs.controller.js';
import { AdminMailController } from './admin-mail.controller.js';
import { AdminQueuesController } from './admin-queues.controller.js';
import { AdminPagesController } from './admin-pages.controller.js';
import { AdminUserLifecycleController } from './admin-user-lifecycle.controller.js';

/** The admin panel's pages: users (on the admin lib's services) and failed jobs (on the queue lib's). */
@Module({
  imports: [AdminModule, QueueModule, MailAdminModule, SessionHttpModule, AuditModule],
  controllers: [AdminPagesController, AdminUserLifecycleController, AdminJobsController, AdminQueuesController, AdminMailController, AdminAuditController],
})
export class AdminPagesModule {}
