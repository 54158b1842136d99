import { Controller, Get, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import { type AuditAction, AuditLog } from '@app/audit';
import { Roles } from '@app/auth';
import { JOB_STATES, QueueAdmin, type JobActionResult } from '@app/queue';
import { HttpSessionService } from '@app/session-http';
import type { Request, Response } from 'express';
import { JOB_ID, JobListQuery } from './admin-queue-forms.js';

/**
 * The queue dashboard: per queue its counts by state, a paged list per state, one job, and the
 * operator's actions (retry, remove, promote; pause and resume; the schedulers' next runs).
 *
 * Why our own pages and not Bull Board (@bull-board/express), which BullMQ users know (not
 * installed; read from its sources, felixmosh/bull-board):
 * - It is a React single-page app with its own JSON API (`<base>/api/queues/...`) and asset
 *   routes. Its actions are fetch() calls that carry no CSRF token of ours: every one of them
 *   would need a CSRF exemption or a patched client.
 * - Its page (packages/ui/src/index.ejs) loads a stylesheet from fonts.googleapis.com, which our
 *   CSP (`default-src 'self'`, no CDN) refuses, so it would need a policy of its own, weaker than
 *   the rest of the panel's, on the one page that can retry and remove every job.
 * - Its BullMQ adapter is written for BullMQ on Redis: it reads the server's INFO through
 *   `queue.client`, which BullMQ 6's Queue no longer has on either backend (the PostgreSQL one has
 *   no Redis at all); admin-queues.e2e-spec.ts asserts that it is gone.
 * Decided by test: admin-queues.e2e-spec.ts runs every page and action here on both backends
 * (counts, lists, detail, retry, remove, promote, pause, schedulers) and checks the store after
 * each, and admin-queues.browser.e2e-spec.ts fails on any CSP violation.
 * Our pages sit behind the same session, role guard (`admin`), CSRF check and CSP as the rest of
 * the panel, and render the same on both backends (see QueueAdmin for how states are counted).
 */
@Roles('admin')
@Controller('admin/queues')
export class AdminQueuesController {
  constructor(
    private readonly queues: QueueAdmin,
    private readonly browser: HttpSessionService,
    private readonly audit: AuditLog,
  ) {}

  @Get()
  async overview(@Res() res: Response) {
    res.render('admin/jobs-queues', { title: 'Queues', queues: await this.queues.summaries() });
  }

  @Get(':queue')
  async queue(@Param('queue') name: string, @Query() query: JobListQuery, @Res() res: Response) {
    const queue = this.known(name);
    const state = query.state ?? 'waiting';
    const [list, schedulers] = await Promise.all([this.queues.list(queue, state, query.page ?? 1), this.queues.schedulers(queue)]);
    res.render('admin/jobs-queue', { title: `Queue ${queue}`, queue, state, states: JOB_STATES, ...list, schedulers });
  }

  @Get(':queue/jobs/:id')
  async job(@Param('queue') name: string, @Param('id') id: string, @Res() res: Response) {
    const job = await this.queues.job(this.known(name), this.jobId(id));
    if (!job) {
      throw new NotFoundException('There is no such job.');
    }
    res.render('admin/jobs-job', { title: `Job ${job.id}`, job });
  }

  @Post(':queue/jobs/:id/retry')
  async retry(@Req() req: Request, @Res() res: Response, @Param('queue') name: string, @Param('id') id: string) {
    const queue = this.known(name);
    const result = await this.queues.retry(queue, this.jobId(id));
    await this.audited(result === 'done', 'job.retried', queue, id);
    this.report(req, result, `Job ${id} is queued again, with a fresh set of attempts.`, `Job ${id} is no longer failed.`);
    res.redirect(303, `/admin/queues/${queue}?state=failed`);
  }

  @Post(':queue/jobs/:id/promote')
  async promote(@Req() req: Request, @Res() res: Response, @Param('queue') name: string, @Param('id') id: string) {
    const queue = this.known(name);
    const result = await this.queues.promote(queue, this.jobId(id));
    await this.audited(result === 'done', 'job.promoted', queue, id);
    this.report(req, result, `Job ${id} is waiting to run now.`, `Job ${id} is no longer delayed.`);
    res.redirect(303, `/admin/queues/${queue}?state=delayed`);
  }

  @Post(':queue/jobs/:id/remove')
  async remove(@Req() req: Request, @Res() res: Response, @Param('queue') name: string, @Param('id') id: string) {
    const queue = this.known(name);
    const result = await this.queues.remove(queue, this.jobId(id));
    await this.audited(result === 'done', 'job.removed', queue, id);
    this.report(req, result, `Job ${id} is removed.`, `Job ${id} is running; it can be removed once it has finished.`);
    res.redirect(303, `/admin/queues/${queue}`);
  }

  @Post(':queue/pause')
  async pause(@Req() req: Request, @Res() res: Response, @Param('queue') name: string) {
    const queue = this.known(name);
    const changed = await this.queues.setPaused(queue, true);
    await this.audited(changed, 'queue.paused', queue);
    this.browser.flash(req, changed ? 'success' : 'warning', changed ? `Queue ${queue} is paused: no new job starts.` : `Queue ${queue} was already paused.`);
    res.redirect(303, `/admin/queues/${queue}`);
  }

  @Post(':queue/resume')
  async resume(@Req() req: Request, @Res() res: Response, @Param('queue') name: string) {
    const queue = this.known(name);
    const changed = await this.queues.setPaused(queue, false);
    await this.audited(changed, 'queue.resumed', queue);
    this.browser.flash(req, changed ? 'success' : 'warning', changed ? `Queue ${queue} runs again.` : `Queue ${queue} was not paused.`);
    res.redirect(303, `/admin/queues/${queue}`);
  }

  /** The audit row of a change that happened. The queue is not in a transaction of ours: recorded once done (503 if the row fails). */
  private async audited(happened: boolean, action: AuditAction, queue: string, jobId?: string): Promise<void> {
    if (happened) {
      await this.audit.record({ action, target: jobId ? { type: 'job', id: jobId } : { type: 'queue', id: queue }, details: { queue } });
    }
  }

  /** A job that is gone is a 404; one that moved on (another tab, a worker) only makes the list stale. */
  private report(req: Request, result: JobActionResult, done: string, stale: string): void {
    if (result === 'missing') {
      throw new NotFoundException('There is no such job.');
    }
    this.browser.flash(req, result === 'done' ? 'success' : 'warning', result === 'done' ? done : stale);
  }

  private known(name: string) {
    if (!this.queues.isQueue(name)) {
      throw new NotFoundException('There is no such queue.');
    }
    return name;
  }

  /** A malformed id names no job: the same 404 as an unknown one. */
  private jobId(id: string): string {
    if (!JOB_ID.test(id)) {
      throw new NotFoundException('There is no such job.');
    }
    return id;
  }
}
