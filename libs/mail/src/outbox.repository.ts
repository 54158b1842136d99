import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { OutboxMail, type OutboxStatus } from './outbox.entity.js';
import { redactLinkSecrets } from './redact-links.js';

export interface RenderedParts {
  subject: string;
  html: string;
  text: string;
}

/** The outbox table, one purpose per method. Status changes are single atomic statements. */
@Injectable()
export class OutboxRepository {
  constructor(@InjectRepository(OutboxMail) private readonly rows: Repository<OutboxMail>) {}

  /**
   * Records a mail to send. With an idempotency key, a second call returns the first row
   * instead of adding another (a job that enqueues mail and runs twice sends each mail once).
   */
  async createQueued(recipient: string, template: string, data: Record<string, unknown>, idempotencyKey?: string): Promise<OutboxMail> {
    const result = await this.rows
      .createQueryBuilder()
      .insert()
      .values({ recipient, template, data: data as never, idempotencyKey: idempotencyKey ?? null })
      .orIgnore()
      .returning('*')
      .execute();
    if (result.raw.length > 0) {
      return this.rows.create(this.fromRaw(result.raw[0] as Record<string, unknown>));
    }
    return this.rows.findOneByOrFail({ idempotencyKey: idempotencyKey! });
  }

  findById(id: string): Promise<OutboxMail | null> {
    return this.rows.findOneBy({ id });
  }

  /**
   * Starts an attempt: stores what was rendered, with the links' tokens replaced by a marker
   * (the record never holds a live link), and counts the attempt, unless the mail is already
   * sent (then null: a retry must not send it again). Retries render again from `data`.
   */
  async beginAttempt(id: string, parts: RenderedParts): Promise<OutboxMail | null> {
    const result = await this.rows
      .createQueryBuilder()
      .update()
      .set({
        subject: redactLinkSecrets(parts.subject),
        htmlBody: redactLinkSecrets(parts.html),
        textBody: redactLinkSecrets(parts.text),
        attempts: () => 'attempts + 1',
      })
      .where('id = :id AND status <> :sent', { id, sent: 'sent' })
      .returning('*')
      .execute();
    const raw = (result.raw as Record<string, unknown>[])[0];
    return raw ? this.rows.create(this.fromRaw(raw)) : null;
  }

  async markSent(id: string, transport: 'smtp' | 'outbox', messageId: string | null): Promise<void> {
    await this.rows.update(
      { id },
      // The variables (reset and confirmation tokens among them) are not needed once the mail is
      // sent; the bodies, with the links' tokens redacted, are the record.
      { status: 'sent', transport, messageId, sentAt: new Date(), lastError: null, data: null },
    );
  }

  /** `final`: no attempt is left, the mail is failed until someone retries the job. */
  async recordFailure(id: string, error: string, final: boolean): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .update()
      .set({ lastError: error.slice(0, 2000), ...(final ? { status: 'failed' as const } : {}) })
      .where('id = :id AND status <> :sent', { id, sent: 'sent' })
      .execute();
  }

  /** A retried job puts its failed mail back to queued. False when it was not failed (anymore). */
  async requeue(id: string): Promise<boolean> {
    const result = await this.rows.update({ id, status: 'failed' }, { status: 'queued' });
    return (result.affected ?? 0) > 0;
  }

  /**
   * One page of the outbox, newest first, optionally of one status, with the total. Without
   * `data` (a mail not yet sent keeps its variables there, live tokens among them).
   */
  page(status: OutboxStatus | undefined, offset: number, limit: number): Promise<[OutboxMail[], number]> {
    return this.rows.findAndCount({
      select: {
        id: true,
        recipient: true,
        template: true,
        subject: true,
        status: true,
        transport: true,
        attempts: true,
        lastError: true,
        createdAt: true,
        updatedAt: true,
        sentAt: true,
      },
      where: status ? { status } : {},
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: offset,
      take: limit,
    });
  }

  async deleteSentBefore(cutoff: Date): Promise<number> {
    const result = await this.rows
      .createQueryBuilder()
      .delete()
      .where('status = :sent AND sent_at < :cutoff', { sent: 'sent', cutoff })
      .execute();
    return result.affected ?? 0;
  }

  /** Newest first, for the CLI and (later) the admin panel. */
  listRecent(limit = 20): Promise<OutboxMail[]> {
    return this.rows.find({ order: { createdAt: 'DESC' }, take: limit });
  }

  private fromRaw(raw: Record<string, unknown>): Partial<OutboxMail> {
    return {
      id: raw.id as string,
      recipient: raw.recipient as string,
      template: raw.template as string,
      data: raw.data as Record<string, unknown> | null,
      subject: raw.subject as string,
      htmlBody: raw.html_body as string | null,
      textBody: raw.text_body as string | null,
      status: raw.status as OutboxMail['status'],
      transport: raw.transport as OutboxMail['transport'],
      attempts: raw.attempts as number,
      lastError: raw.last_error as string | null,
      messageId: raw.message_id as string | null,
      idempotencyKey: raw.idempotency_key as string | null,
      createdAt: raw.created_at as Date,
      updatedAt: raw.updated_at as Date,
      sentAt: raw.sent_at as Date | null,
    };
  }
}
