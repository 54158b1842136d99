import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

export const OUTBOX_STATUSES = ['queued', 'sent', 'failed'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * One mail the app asked to send (table `mail_outbox`). `data` holds the template's variables
 * until the mail is sent; after that the rendered subject and bodies are the record.
 * `transport` says where it went: `smtp`, or `outbox` when no SMTP server is configured.
 */
@Entity('mail_outbox')
// Admin lists (newest first, by status) and the retention job.
@Index('mail_outbox_status_created_idx', ['status', 'createdAt'])
@Index('mail_outbox_created_idx', ['createdAt'])
@Unique('mail_outbox_idempotency_key_key', ['idempotencyKey'])
// Built from OUTBOX_STATUSES, so a status added without a migration fails the schema-drift test
// (TypeORM itself compares checks by name only; that test also compares their expressions).
@Check('mail_outbox_status_check', `"status" IN (${OUTBOX_STATUSES.map((s) => `'${s}'`).join(', ')})`)
export class OutboxMail {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'mail_outbox_pkey' })
  id: string;

  @Column({ type: 'varchar', length: 320 })
  recipient: string;

  @Column({ type: 'varchar', length: 64 })
  template: string;

  @Column({ type: 'jsonb', nullable: true })
  data: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 998, default: '' })
  subject: string;

  @Column({ name: 'html_body', type: 'text', nullable: true })
  htmlBody: string | null;

  @Column({ name: 'text_body', type: 'text', nullable: true })
  textBody: string | null;

  @Column({ type: 'varchar', length: 16, default: 'queued' })
  status: OutboxStatus;

  @Column({ type: 'varchar', length: 16, nullable: true })
  transport: 'smtp' | 'outbox' | null;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'message_id', type: 'varchar', length: 255, nullable: true })
  messageId: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 200, nullable: true })
  idempotencyKey: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;
}
