import { Injectable } from '@nestjs/common';
import { LdapDirectory } from '../ldap/ldap-directory.js';
import type { User } from '../users/user.entity.js';
import { PasswordHasher } from './password-hasher.js';

/**
 * "Is this the signed-in user's password?" for the re-checks in front of sensitive actions (sign
 * out others, a new API key). A local account answers with its hash; an account LDAP sign-in
 * created has none, so the directory answers: its entry is found by the account's address with
 * the user filter and bound with the password (a dead directory is a 503, as at sign-in).
 */
@Injectable()
export class CurrentPassword {
  constructor(
    private readonly hasher: PasswordHasher,
    private readonly directory: LdapDirectory,
  ) {}

  async matches(user: Pick<User, 'email' | 'authSource' | 'passwordHash'>, password: string): Promise<boolean> {
    if (user.authSource === 'ldap') {
      return (await this.directory.authenticate(user.email, password)) !== null;
    }
    return Boolean(user.passwordHash) && (await this.hasher.verify(user.passwordHash!, password));
  }
}
