import { Module } from '@nestjs/common';
import { AdminModule } from '@app/admin';
import { QueueModule } from '@app/queue';
import { SessionHttpModule } from '@app/session-http';
import { AdminJobsController } from './admin-jobs.controller.js';
import { AdminPagesController } from './admin-pages.controller.js';

/** The admin panel's pages: users (on the admin lib's services) and failed jobs (on the queue lib's). */
@Module({
  imports: [AdminModule, QueueModule, SessionHttpModule],
  controllers: [AdminPagesController, AdminJobsController],
})
export class AdminPagesModule {}
