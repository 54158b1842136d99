import { Column, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One row of the audit trail (table `audit_events`): who (`actor_id`, and the address they had
 * then), what (`action`), on what (`target_*`, with a label snapshot), when, from where (IP) and
 * in which request (the id in the `X-Request-Id` header and the request log). Rows are only ever
 * inserted, and deleted by the retention job.
 *
 * `actor_id` is `ON DELETE SET NULL`: deleting a user keeps the trail of what they did, under the
 * address snapshot. It references users by table, so this lib needs nothing from libs/auth.
 */
@Entity('audit_events')
@Index('audit_events_occurred_at_idx', ['occurredAt'])
@Index('audit_events_actor_idx', ['actorId', 'occurredAt'])
@Index('audit_events_action_idx', ['action', 'occurredAt'])
@Index('audit_events_target_idx', ['targetType', 'targetId', 'occurredAt'])
// Expression indexes on lower(actor_email) and lower(target_label) for the "by email" filter;
// TypeORM cannot declare them (see `users_email_lower_key` in libs/auth), only know their names.
@Index('audit_events_actor_email_idx', { synchronize: false })
@Index('audit_events_target_label_idx', { synchronize: false })
export class AuditEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'audit_events_pkey' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  @ForeignKey('User', 'id', { name: 'audit_events_actor_id_fkey', onDelete: 'SET NULL', onUpdate: 'NO ACTION' })
  actorId: string | null;

  @Column({ name: 'actor_email', type: 'varchar', length: 254, nullable: true })
  actorEmail: string | null;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32, nullable: true })
  targetType: string | null;

  @Column({ name: 'target_id', type: 'varchar', length: 200, nullable: true })
  targetId: string | null;

  @Column({ name: 'target_label', type: 'varchar', length: 254, nullable: true })
  targetLabel: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  details: Record<string, unknown>;
}
