import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A credential for /api: `<id>.<secret>`; only the secret's SHA-256 digest is stored. */
@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
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
