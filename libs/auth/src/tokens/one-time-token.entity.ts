import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { User } from '../users/user.entity.js';

/** `invite`: an admin-created account's set-password link (it confirms the address too). */
export const TOKEN_PURPOSES = ['confirm-email', 'reset-password', 'invite'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

/** A single-use, expiring secret mailed to a user; only its SHA-256 digest is stored. */
@Entity('one_time_tokens')
@Index('one_time_tokens_user_purpose_idx', ['userId', 'purpose'])
@Index('one_time_tokens_expires_at_idx', ['expiresAt'])
@Unique('one_time_tokens_token_hash_key', ['tokenHash'])
// Built from TOKEN_PURPOSES, so a purpose added without a migration fails the schema-drift test
// (TypeORM itself compares checks by name only; that test also compares their expressions).
@Check('one_time_tokens_purpose_check', `"purpose" IN (${TOKEN_PURPOSES.map((p) => `'${p}'`).join(', ')})`)
export class OneTimeToken {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'one_time_tokens_pkey' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey(() => User, 'id', { name: 'one_time_tokens_user_id_fkey', onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  userId: string;

  @Column({ type: 'varchar', length: 32 })
  purpose: TokenPurpose;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash: Buffer;

  /** The address the link was sent to: confirming it confirms this address, not whatever the user has now. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
