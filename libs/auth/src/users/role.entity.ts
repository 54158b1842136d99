import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ROLE_NAMES = ['admin', 'dev', 'user'] as const;
/** The roles the code checks for. Other roles may exist in the table (added by the CLI) and are checked by name. */
export type RoleName = (typeof ROLE_NAMES)[number] | (string & {});

@Entity('roles')
export class Role {
  @PrimaryGeneratedColumn({ type: 'smallint' })
  id: number;

  @Column({ type: 'varchar', length: 32, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 200, default: '' })
  description: string;
}
