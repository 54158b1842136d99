import { CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { User } from '../users/user.entity.js';

/**
 * One unused recovery code of a user's second factor: only its SHA-256 digest (each code carries
 * 100 random bits, see recovery-codes.ts). Deleted when used. Written with plain SQL
 * (SecondFactorRepository); declared here so that the schema check compares it.
 */
@Entity('recovery_codes')
export class RecoveryCode {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'recovery_codes_pkey' })
  @ForeignKey(() => User, 'id', { name: 'recovery_codes_user_id_fkey', onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  userId: string;

  @PrimaryColumn({ name: 'code_hash', type: 'bytea', primaryKeyConstraintName: 'recovery_codes_pkey' })
  codeHash: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
