import { Column, CreateDateColumn, Entity, Index, JoinTable, ManyToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from './role.entity.js';

@Entity('users')
// A unique index on lower(email): TypeORM's @Index takes columns, not expressions, and does not
// even read expression indexes back from PostgreSQL. Declared here only so that the name is
// known; `synchronize: false` tells the schema builder never to create or drop it.
@Index('users_email_lower_key', { synchronize: false })
export class User {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'users_pkey' })
  id: string;

  /** Stored as typed; unique and looked up case-insensitively (index on lower(email)). */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ name: 'first_name', type: 'varchar', length: 100, default: '' })
  firstName: string;

  @Column({ name: 'last_name', type: 'varchar', length: 100, default: '' })
  lastName: string;

  /** Never selected unless asked for: a loaded user must not carry its hash around by accident. */
  @Column({
    name: 'password_hash',
    type: 'varchar',
    length: 255,
    nullable: true,
    select: false,
  })
  passwordHash?: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ name: 'email_confirmed_at', type: 'timestamptz', nullable: true })
  emailConfirmedAt: Date | null;

  /**
   * Bumped when the password changes or the account is disabled. A session remembers the epoch
   * it was created under; a different one means the session is stale and is ended.
   */
  @Column({ name: 'auth_epoch', type: 'integer', default: 0 })
  authEpoch: number;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** The table itself is declared by `UserRole` (see there why); TypeORM leaves it alone here. */
  @ManyToMany(() => Role, { eager: false })
  @JoinTable({
    name: 'user_roles',
    joinColumn: { name: 'user_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'role_id', referencedColumnName: 'id' },
    synchronize: false,
  })
  roles?: Role[];
}
