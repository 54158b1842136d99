import { Controller, Get, Logger, NotFoundException, Param, Post, Req, Res } from '@nestjs/common';
import { AuditLog } from '@app/audit';
import { Roles } from '@app/auth';
import { JobQueue } from '@app/queue';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';
import { JOB_ID } from './admin-queue-forms.js';


/**
 * Failed jobs of every queue on one page, and a second chance for them: the same as
 * `npm run cli -- jobs:failed` / `jobs:retry`. Per queue, with every state: admin-queues.controller.ts.
 */
@Roles('admin')
@Controller('admin/jobs')
export class AdminJobsController {
  private readonly logger = new Logger('Admin');

  constructor(
    private readonly jobs: JobQueue,
    private readonly browser: HttpSessionService,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  async failed(@Res() res: Response) {
    res.render('admin/jobs', { title: 'Failed jobs', jobs: await this.jobs.failed(100) });
  }

  @Post(':id/retry')
  async retry(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    if (!JOB_ID.test(id)) {
      throw new NotFoundException('There is no such job.'); // a malformed id names no job, as an unknown one
    }
    if (await this.jobs.retry(id)) {
      this.logger.log(`admin ${req.user!.userId} retried job ${id}`);
      await this.audit.record({ action: 'job.retried', target: { type: 'job', id } }); // after: the queue is not PostgreSQL
      this.browser.flash(req, 'success', `Job ${id} is queued again, with a fresh set of attempts.`);
    } else {
      // Retried meanwhile (another tab, the CLI) or removed: not an error, the list is just stale.
      this.browser.flash(req, 'warning', `Job ${id} is no longer failed.`);
    }
    res.redirect(303, '/admin/jobs');
  }
}
