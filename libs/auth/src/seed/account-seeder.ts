import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { randomBytes } from 'node:crypto';
import { PasswordHasher } from '../passwords/password-hasher.js';
import { UsersRepository } from '../users/users.repository.js';

/**
 * Creates the configured admin/dev/user accounts on first start (an address that already exists
 * is left alone, so restarts and several replicas are harmless). A seed without a password gets
 * a generated one, printed once in development; production refuses such a seed at config time.
 */
@Injectable()
export class AccountSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Accounts');

  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const seed of this.config.auth.seeds) {
      if (await this.users.findByEmail(seed.email)) {
        continue;
      }
      const password = seed.password ?? randomBytes(12).toString('base64url');
      const created = await this.users.create({
        email: seed.email,
        firstName: seed.role[0].toUpperCase() + seed.role.slice(1),
        lastName: '',
        passwordHash: await this.hasher.hash(password),
        roles: [seed.role],
        emailConfirmedAt: new Date(),
      });
      if (!created) {
        continue; // another replica created it meanwhile
      }
      if (seed.password) {
        this.logger.log(`created the ${seed.role} account ${seed.email}`);
      } else if (this.config.env === 'development') {
        this.logger.warn(
          `created the ${seed.role} account ${seed.email} with the password ${password} (shown once; change it after signing in)`,
        );
      } else {
        this.logger.warn(
          `created the ${seed.role} account ${seed.email} with a random password; use "forgot password" or the CLI to set one`,
        );
      }
    }
  }
}
