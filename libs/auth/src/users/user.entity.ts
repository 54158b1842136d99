import { Check, Column, CreateDateColumn, Entity, Index, JoinTable, ManyToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Role } from './role.entity.js';

/** Who checks an account's password: its own hash, or the LDAP directory. */
export type AuthSource = 'local' | 'ldap';

@Entity('users')
// A unique index on lower(email): TypeORM's @Index takes columns, not expressions, and does not
// even read expression indexes back from PostgreSQL. Declared here only so that the name is
// known; `synchronize: false` tells the schema builder never to create or drop it.
@Index('users_email_lower_key', { synchronize: false })
@Check('users_auth_source_check', `"auth_source" IN ('local', 'ldap')`)
@Check('users_totp_enabled_needs_secret', `"totp_enabled_at" IS NULL OR "totp_secret" IS NOT NULL`)
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

  /** `ldap`: created by an LDAP sign-in; the directory owns its password and address (migration 1764600000000). */
  @Column({ name: 'auth_source', type: 'varchar', length: 16, default: 'local' })
  authSource: AuthSource;

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

  /** The second factor's TOTP secret, sealed (second-factor/secret-box.ts); pending while totpEnabledAt is null. */
  @Column({ name: 'totp_secret', type: 'text', nullable: true, select: false })
  totpSecret?: string | null;

  /** When the second factor was turned on; null while it is off. Read with every user, so login knows. */
  @Column({ name: 'totp_enabled_at', type: 'timestamptz', nullable: true })
  totpEnabledAt: Date | null;

  /** The time step of the last code accepted: no code is accepted twice. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true, select: false })
  totpLastStep?: string | null;

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
