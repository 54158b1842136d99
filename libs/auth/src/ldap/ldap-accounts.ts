import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { isEmail } from 'class-validator';
import { RolesRepository } from '../users/roles.repository.js';
import type { User } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import type { DirectoryPerson } from './ldap-directory.js';

/** Every account gets this role, as a registration does; the mapping adds to it. */
const BASE_ROLE = 'user';

/**
 * The local side of an LDAP sign-in: the account is created by the first one (address
 * confirmed, names from the directory, no password hash, `auth_source = 'ldap'`), and its mapped
 * roles follow the person's groups at every one. A role change is an ordinary change of
 * user_roles, so the user's other sessions rotate on their next request like after an admin's
 * change (SessionPrincipalMiddleware compares the roles a session was issued under).
 */
@Injectable()
export class LdapAccounts implements OnApplicationBootstrap {
  private readonly logger = new Logger(LdapAccounts.name);
  private readonly groupRoles: ReadonlyMap<string, string>;

  constructor(
    private readonly users: UsersRepository,
    private readonly roles: RolesRepository,
    config: AppConfig,
  ) {
    this.groupRoles = config.ldap?.groupRoles ?? new Map();
  }

  /**
   * Roles live in the database (the CLI adds them), so a mapping that names one not there yet is
   * said at start and at each sign-in that would grant it, and skipped: it is not a reason to
   * refuse the start or the sign-in. A database that does not answer yet is not this check's to report.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.groupRoles.size === 0) {
      return;
    }
    const known = new Set(await this.roles.roleNames().catch(() => [...this.groupRoles.values()]));
    const unknown = [...new Set(this.groupRoles.values())].filter((role) => !known.has(role));
    if (unknown.length > 0) {
      this.logger.warn(`AUTH_LDAP_GROUP_ROLES names roles that do not exist (create them with the CLI): ${unknown.join(', ')}`);
    }
  }

  /**
   * The local account for a person the directory vouched for, with its roles refreshed; null
   * when none may be used: no usable address, or the address belongs to a local account (the
   * directory never takes one over). `found` is the account the typed address led to, if any.
   */
  async accountFor(person: DirectoryPerson, typed: string, found: User | null): Promise<User | null> {
    const email = person.mail ?? typed;
    let user = found ?? (await this.users.findByEmail(email));
    if (!user) {
      if (!isEmail(email) || email.length > 254) {
        this.logger.warn('LDAP sign-in refused: the entry has no mail attribute and the login is not an address');
        return null;
      }
      user =
        (await this.users.create({
          email,
          firstName: person.firstName.slice(0, 100),
          lastName: person.lastName.slice(0, 100),
          passwordHash: null,
          roles: [BASE_ROLE, ...this.mappedRoles(person)],
          emailConfirmedAt: new Date(),
          authSource: 'ldap',
        })) ?? (await this.users.findByEmail(email)); // a concurrent first sign-in won the insert
      if (!user) {
        return null;
      }
    }
    if (user.authSource !== 'ldap') {
      this.logger.warn(`LDAP sign-in refused: user ${user.id} is a local account`);
      return null;
    }
    await this.refreshRoles(user.id, person);
    return user;
  }

  private mappedRoles(person: DirectoryPerson): string[] {
    return [...new Set(person.groups.flatMap((dn) => this.groupRoles.get(dn) ?? []))];
  }

  /** Mapped roles follow the groups; a role no group maps to is left as it is. */
  private async refreshRoles(userId: string, person: DirectoryPerson): Promise<void> {
    const current = (await this.users.findAuthState(userId))?.roles ?? [];
    const wanted = this.mappedRoles(person);
    const mapped = new Set(this.groupRoles.values());
    const remove = current.filter((role) => mapped.has(role) && !wanted.includes(role));
    const add = wanted.filter((role) => !current.includes(role));
    if (remove.length > 0) {
      await this.roles.removeRoles(userId, remove);
    }
    if (add.length > 0) {
      const unknown = await this.roles.addRoles(userId, add);
      if (unknown.length > 0) {
        this.logger.warn(`AUTH_LDAP_GROUP_ROLES names roles that do not exist (create them with the CLI): ${unknown.join(', ')}`);
      }
    }
  }
}
