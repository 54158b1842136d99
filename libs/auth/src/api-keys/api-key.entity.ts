import { Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../users/user.entity.js';

/** A credential for /api: `<id>.<secret>`; only the secret's SHA-256 digest is stored. */
@Entity('api_keys')
@Index('api_keys_user_id_idx', ['userId'])
export class ApiKey {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'api_keys_pkey' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey(() => User, 'id', { name: 'api_keys_user_id_fkey', onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  userId: string;

  @Column({ type: 'varchar', length: 100 })
  label: string;

  @Column({ name: 'secret_hash', type: 'bytea', select: false })
  secretHash?: Buffer;

  /** The roles the key may act with; always intersected with the owner's current roles. */
  @Column({ type: 'varchar', length: 32, array: true, default: () => "'{}'" })
  roles: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
