import { Injectable } from '@nestjs/common';
import { DependencyUnavailableError } from '@app/errors';
import { JobQueue } from '@app/queue';
import { MailRenderer, type RenderedMail } from './mail-renderer.js';
import { MAIL_SAMPLES } from './mail-samples.js';
import { MAIL_TEMPLATE_NAMES, isMailTemplate, type MailTemplateName } from './mail-templates.js';
import type { OutboxStatus } from './outbox.entity.js';
import { OutboxRepository } from './outbox.repository.js';
import { redactLinkSecrets } from './redact-links.js';

export const OUTBOX_PER_PAGE = 25;

/** One outbox row as the admin pages show it: never its `data` (live tokens until sent). */
export interface OutboxEntry {
  id: string;
  status: OutboxStatus;
  recipient: string;
  template: string;
  subject: string;
  attempts: number;
  lastError: string | null;
  transport: string | null;
  createdAt: Date;
  updatedAt: Date;
  sentAt: Date | null;
}

export interface OutboxMessage extends OutboxEntry {
  /** The stored text body (links' tokens already redacted when stored, and again here). */
  textBody: string | null;
}

export interface OutboxPage {
  entries: OutboxEntry[];
  total: number;
  page: number;
  pages: number;
}

/** `missing`: no such mail; `not-failed`: only a failed mail is sent again (a queued one is on its way). */
export type ResendResult = 'queued' | 'missing' | 'not-failed';

/**
 * The admin's view of the mail: the outbox with paging, one mail, a second chance for a failed
 * one, and every template rendered with its sample data. Each action is one call.
 */
@Injectable()
export class OutboxAdmin {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly jobs: JobQueue,
    private readonly renderer: MailRenderer,
  ) {}

  async list(status: OutboxStatus | undefined, page: number): Promise<OutboxPage> {
    const [rows, total] = await this.outbox.page(status, (page - 1) * OUTBOX_PER_PAGE, OUTBOX_PER_PAGE);
    return { entries: rows.map(toEntry), total, page, pages: Math.max(1, Math.ceil(total / OUTBOX_PER_PAGE)) };
  }

  async message(id: string): Promise<OutboxMessage | null> {
    const row = await this.outbox.findById(id);
    // A mail not sent yet has no stored body; its variables (`data`) are never shown.
    return row ? { ...toEntry(row), textBody: row.textBody === null ? null : redactLinkSecrets(row.textBody) } : null;
  }

  /**
   * Sends a failed mail again: back to queued, and its job retried with fresh attempts (or queued
   * anew if the job is gone: pruned, removed, or never queued because the queue was down). The
   * worker renders it again from the row's data, so the links in it are live again.
   */
  async resend(id: string): Promise<ResendResult> {
    const row = await this.outbox.findById(id);
    if (!row) {
      return 'missing';
    }
    if (row.status !== 'failed' || !isMailTemplate(row.template) || !(await this.outbox.requeue(id))) {
      return 'not-failed';
    }
    try {
      if (!(await this.jobs.retry(`mail-${id}`))) {
        await this.jobs.enqueue('mail.send', { outboxId: id, template: row.template });
      }
    } catch (error) {
      // Failed again (final), so the page and the next resend see the truth.
      await this.outbox.recordFailure(id, 'could not be queued again: the job queue was unavailable', true).catch(() => undefined);
      throw error instanceof DependencyUnavailableError ? error : new DependencyUnavailableError('job queue', error);
    }
    return 'queued';
  }

  templates(): readonly MailTemplateName[] {
    return MAIL_TEMPLATE_NAMES;
  }

  /** A template rendered with its sample data (made-up people and tokens), as the CLI's mail:preview. */
  preview(name: string): RenderedMail | null {
    return isMailTemplate(name) ? this.renderer.render(name, MAIL_SAMPLES[name] as never) : null;
  }
}

function toEntry(row: OutboxEntry): OutboxEntry {
  return {
    id: row.id,
    status: row.status,
    recipient: row.recipient,
    template: row.template,
    subject: row.subject,
    attempts: row.attempts,
    lastError: row.lastError,
    transport: row.transport,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    sentAt: row.sentAt,
  };
}
