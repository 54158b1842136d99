import { Controller, Get, Logger, Param, Post, Req, Res } from '@nestjs/common';
import { Roles } from '@app/auth';
import { validationFailed } from '@app/errors';
import { JobQueue } from '@app/queue';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';

/** BullMQ job ids here: ours (`mail-<uuid>`) or BullMQ's counters. Anything else never names a job. */
const JOB_ID = /^[\w:.-]{1,200}$/;

/** Failed jobs, and a second chance for them: the same as `npm run cli -- jobs:failed` / `jobs:retry`. */
@Roles('admin')
@Controller('admin/jobs')
export class AdminJobsController {
  private readonly logger = new Logger('Admin');

  constructor(
    private readonly jobs: JobQueue,
    private readonly browser: HttpSessionService,
  ) {}

  @Get()
  async failed(@Res() res: Response) {
    res.render('admin/jobs', { title: 'Failed jobs', jobs: await this.jobs.failed(100) });
  }

  @Post(':id/retry')
  async retry(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    if (!JOB_ID.test(id)) {
      throw validationFailed({ id: ['This is not a job id.'] });
    }
    if (await this.jobs.retry(id)) {
      this.logger.log(`admin ${req.user!.userId} retried job ${id}`);
      this.browser.flash(req, 'success', `Job ${id} is queued again, with a fresh set of attempts.`);
    } else {
      // Retried meanwhile (another tab, the CLI) or removed: not an error, the list is just stale.
      this.browser.flash(req, 'warning', `Job ${id} is no longer failed.`);
    }
    res.redirect(303, '/admin/jobs');
  }
}
