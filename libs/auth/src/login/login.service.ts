import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { EmailNotConfirmedError, LoginFailedError } from '../accounts/account-errors.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { PASSWORD_MAX_LENGTH } from '../passwords/password-policy.js';
import { UsersRepository } from '../users/users.repository.js';
import { LoginThrottle } from './login-throttle.js';

export interface AuthenticatedUser {
  id: string;
  email: string;
  authEpoch: number;
}

/**
 * Checks email + password for the login form (through passport-local) and for
 * `POST /api/credentials`. Unknown accounts cost a dummy hash so timing does not reveal them.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly config: AppConfig,
  ) {}

  async authenticate(email: unknown, password: unknown, ip: string): Promise<AuthenticatedUser> {
    if (typeof email !== 'string' || typeof password !== 'string' || email.length > 254 || [...password].length > PASSWORD_MAX_LENGTH * 2) {
      throw new LoginFailedError();
    }
    // Both at once: one wait instead of two (a throttled attempt wastes only the lookup).
    const [{ accountHasFailures }, user] = await Promise.all([
      this.throttle.assertAllowed(email, ip),
      this.users.findWithSecretByEmail(email.trim()),
    ]);
    let valid = false;
    if (user?.passwordHash) {
      valid = await this.hasher.verify(user.passwordHash, password);
    } else {
      await this.hasher.verifyDummy(password);
    }
    if (!user || !valid || !user.active) {
      await this.throttle.recordFailure(email, ip);
      throw new LoginFailedError();
    }
    if (accountHasFailures) {
      await this.throttle.recordSuccess(email);
    }
    if (this.config.auth.requireEmailConfirmation && !user.emailConfirmedAt) {
      throw new EmailNotConfirmedError();
    }
    if (this.hasher.needsRehash(user.passwordHash!)) {
      await this.users.replaceHash(user.id, await this.hasher.hash(password));
    }
    await this.users.recordLogin(user.id);
    return { id: user.id, email: user.email, authEpoch: user.authEpoch };
  }
}
