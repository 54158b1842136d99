import { Entity, ForeignKey, Index, PrimaryColumn } from 'typeorm';
import { Role } from './role.entity.js';
import { User } from './user.entity.js';

/**
 * The `user_roles` link table as the Init migration creates it. It is an entity of its own, not
 * only `User.roles`' join table, because TypeORM's generated join table cannot be declared to
 * match it: TypeORM always wants an index on each side (the PK already covers `user_id`) under
 * generated names, and `ON UPDATE CASCADE` on the `roles` side unless `Role` gets an inverse
 * relation. `User.roles` keeps working for reads (`synchronize: false` on its `@JoinTable`), and
 * this class is what the schema check compares. The code writes the table with plain SQL.
 */
@Entity('user_roles')
@Index('user_roles_role_id_idx', ['roleId'])
export class UserRole {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName: 'user_roles_pkey' })
  @ForeignKey(() => User, 'id', { name: 'user_roles_user_id_fkey', onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  userId: string;

  @PrimaryColumn({ name: 'role_id', type: 'smallint', primaryKeyConstraintName: 'user_roles_pkey' })
  @ForeignKey(() => Role, 'id', { name: 'user_roles_role_id_fkey', onDelete: 'CASCADE', onUpdate: 'NO ACTION' })
  roleId: number;
}
