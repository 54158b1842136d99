import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { EmailNotConfirmedError, LoginFailedError } from '../accounts/account-errors.js';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { PASSWORD_MAX_LENGTH } from '../passwords/password-policy.js';
import { UsersRepository } from '../users/users.repository.js';
import { type LoginAttempt, LoginThrottle } from './login-throttle.js';

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
    // The lookup runs while the attempt is reserved on the throttle: one wait instead of two (a
    // refused attempt wastes only the lookup). The attempt counts from here, before any hashing,
    // so parallel guesses cannot all be checked before the first failure is counted.
    const lookup = this.users.findWithSecretByEmail(email.trim());
    lookup.catch(() => undefined); // awaited below; a refused attempt never reads it
    const attempt: LoginAttempt = await this.throttle.reserve(email, ip);
    let valid = false;
    let user: Awaited<typeof lookup>;
    try {
      user = await lookup;
      if (user?.passwordHash) {
        valid = await this.hasher.verify(user.passwordHash, password);
      } else {
        await this.hasher.verifyDummy(password);
      }
    } catch (error) {
      this.throttle.abandoned(attempt); // nothing was checked: a 503 is not a guess
      throw error;
    }
    if (!user || !valid || !user.active) {
      throw new LoginFailedError(); // the reservation stays: this is the counted failure
    }
    this.throttle.succeeded(attempt);
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
