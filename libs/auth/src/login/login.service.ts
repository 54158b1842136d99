import { Injectable } from '@nestjs/common';
import { AuditLog } from '@app/audit';
import { AppConfig } from '@app/config';
import { signIns } from '@app/metrics';
import { EmailNotConfirmedError, LoginFailedError } from '../accounts/account-errors.js';
import { LdapAccounts } from '../ldap/ldap-accounts.js';
import { type DirectoryPerson, LdapDirectory } from '../ldap/ldap-directory.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { PASSWORD_MAX_LENGTH } from '../passwords/password-policy.js';
import type { User } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { type LoginAttempt, LoginThrottle } from './login-throttle.js';

export interface AuthenticatedUser {
  id: string;
  email: string;
  authEpoch: number;
  /** A second factor is on: the caller asks for a code before it signs anyone in (second-factor/). */
  secondFactor: boolean;
}

/**
 * Checks email + password for the login form (through passport-local) and for
 * `POST /api/credentials`. Unknown accounts cost a dummy hash so timing does not reveal them.
 * With LDAP configured, an address without a local password (unknown, or an account an LDAP
 * sign-in created) is checked against the directory instead; an account with a local password
 * never costs a directory round trip.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly config: AppConfig,
    private readonly directory: LdapDirectory,
    private readonly ldapAccounts: LdapAccounts,
    private readonly audit: AuditLog,
  ) {}

  async authenticate(email: unknown, password: unknown, ip: string): Promise<AuthenticatedUser> {
    if (typeof email !== 'string' || typeof password !== 'string' || email.length > 254 || [...password].length > PASSWORD_MAX_LENGTH * 2) {
      throw new LoginFailedError();
    }
    // The lookup runs while the attempt is reserved on the throttle: one wait instead of two (a
    // refused attempt wastes only the lookup). The attempt counts from here, before any hashing,
    // so parallel guesses cannot all be checked before the first failure is counted.
    const lookup = this.users.findWithSecretByEmail(email.trim());
    lookup.catch(() => undefined); // awaited below; a refused attempt never reads it
    const attempt: LoginAttempt = await this.throttle.reserve(email, ip);
    let valid = false;
    let user: User | null;
    try {
      user = await lookup;
      if (user?.passwordHash) {
        valid = await this.hasher.verify(user.passwordHash, password);
      } else if (this.directory.enabled && (!user || user.authSource === 'ldap')) {
        const person = await this.checkDirectory(email.trim(), password);
        user = person ? await this.ldapAccounts.accountFor(person, email.trim(), user) : user;
        valid = person !== null && user !== null;
      } else {
        await this.hasher.verifyDummy(password);
      }
    } catch (error) {
      this.throttle.abandoned(attempt); // nothing was checked: a 503 is not a guess
      throw error;
    }
    if (!user || !valid || !user.active) {
      signIns.inc({ outcome: 'failure' });
      await this.audit.signInFailed(email.trim(), user);
      throw new LoginFailedError(); // the reservation stays: this is the counted failure
    }
    this.throttle.succeeded(attempt);
    signIns.inc({ outcome: 'success' });
    if (this.config.auth.requireEmailConfirmation && !user.emailConfirmedAt) {
      throw new EmailNotConfirmedError();
    }
    if (user.passwordHash && this.hasher.needsRehash(user.passwordHash)) {
      await this.users.replaceHash(user.id, await this.hasher.hash(password));
    }
    if (!user.totpEnabledAt) {
      // With a second factor, the sign-in (last login time, audit row) happens at the code step.
      await this.audit.signIn(user);
    }
    return { id: user.id, email: user.email, authEpoch: user.authEpoch, secondFactor: Boolean(user.totpEnabledAt) };
  }

  /**
   * The directory's answer, at the cost of a local sign-in too: a dummy hash runs alongside, so
   * an address found nowhere takes as long as a local account (timing shows no local accounts).
   */
  private async checkDirectory(login: string, password: string): Promise<DirectoryPerson | null> {
    const [person, dummy] = await Promise.allSettled([this.directory.authenticate(login, password), this.hasher.verifyDummy(password)]);
    if (person.status === 'rejected') {
      throw person.reason;
    }
    if (dummy.status === 'rejected') {
      throw dummy.reason;
    }
    return person.value;
  }
}
