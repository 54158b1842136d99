import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

export const ROLE_NAMES = ['admin', 'dev', 'user'] as const;
/** The roles the code checks for. Other roles may exist in the table (added by the CLI) and are checked by name. */
export type RoleName = (typeof ROLE_NAMES)[number] | (string & {});

@Entity('roles')
@Unique('roles_name_key', ['name'])
export class Role {
  @PrimaryGeneratedColumn({ type: 'smallint', primaryKeyConstraintName: 'roles_pkey' })
  id: number;

  @Column({ type: 'varchar', length: 32 })
  name: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  description: string;
}
