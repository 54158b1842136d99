import { Injectable, Logger } from '@nestjs/common';
import { JobQueue } from '@app/queue';
import type { MailTemplates } from './mail-templates.js';
import { OutboxRepository } from './outbox.repository.js';

export interface SendOptions {
  /**
   * Same key, one mail: a second `send` with it returns the first mail's id and queues nothing
   * new. For callers that may run twice (jobs, retried requests).
   */
  idempotencyKey?: string;
}

/** A single address, no display name, nothing that could smuggle another header or recipient. */
const ADDRESS = /^[^\s@,;<>"]+@[^\s@,;<>"]+$/;

/**
 * Sends mail the only way the app does: a row in the outbox, then a `mail.send` job; the worker
 * renders and delivers it. Resolves with the outbox id once the job is queued. When the queue
 * cannot be reached it rejects with DependencyUnavailableError (the page answers 503) and the
 * row is marked failed, so nothing is lost silently.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger('Mail');

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly jobs: JobQueue,
  ) {}

  async send<T extends keyof MailTemplates>(template: T, to: string, data: MailTemplates[T], options: SendOptions = {}): Promise<string> {
    if (!ADDRESS.test(to)) {
      throw new Error(`MailService.send: "${to.slice(0, 80)}" is not a single email address`);
    }
    const row = await this.outbox.createQueued(to, template, data as Record<string, unknown>, options.idempotencyKey);
    if (row.status === 'sent') {
      return row.id;
    }
    try {
      // The job id is derived from the row: queuing the same row twice is a no-op.
      await this.jobs.enqueue('mail.send', { outboxId: row.id, template });
    } catch (error) {
      await this.outbox.recordFailure(row.id, 'could not be queued: the job queue was unavailable', true).catch(() => undefined);
      throw error;
    }
    this.logger.debug?.(`queued ${template} mail ${row.id}`);
    return row.id;
  }
}
