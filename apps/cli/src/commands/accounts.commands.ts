import { AuditLog } from '@app/audit';
import { AccountsService, PasswordHasher, passwordProblem, RolesRepository, UsersRepository } from '@app/auth';
import { SessionService } from '@app/session';
import { Command, CommandRunner, Option } from 'nest-commander';
import { print, usageError } from '../cli-output.js';
import { readSecret } from '../read-secret.js';

const ADDRESS = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;
const ROLE = /^[a-z][a-z0-9_-]{0,31}$/;

function address(value: string | undefined): string {
  if (!value || !ADDRESS.test(value) || value.length > 254) {
    throw usageError(`"${value ?? ''}" is not an email address`);
  }
  return value;
}

/** The account for an address given on the command line, or a usage error. */
async function existingUser(users: UsersRepository, email: string) {
  const user = await users.findByEmail(address(email));
  if (!user) {
    throw usageError(`no account for ${email}`);
  }
  return user;
}

/** Prompts (or reads from a pipe) a new password and applies the password policy. */
async function newPassword(email: string): Promise<string> {
  const password = await readSecret(`New password for ${email}: `);
  const problem = passwordProblem(password, { email });
  if (problem) {
    throw usageError(`password refused: ${problem}`);
  }
  return password;
}

@Command({
  name: 'users:add',
  arguments: '<email>',
  description: 'Create a confirmed account; the password is prompted (not echoed) or read from stdin',
})
export class UsersAddCommand extends CommandRunner {
  constructor(
    private readonly users: UsersRepository,
    private readonly roles: RolesRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditLog,
  ) {
    super();
  }

  async run([email]: string[], options: { role?: string[]; firstName?: string; lastName?: string }): Promise<void> {
    address(email);
    if (await this.users.findByEmail(email)) {
      throw usageError(`${email} already has an account`);
    }
    const roles = options.role?.length ? options.role : ['user'];
    const password = await newPassword(email);
    const created = await this.users.create({
      email,
      firstName: options.firstName ?? '',
      lastName: options.lastName ?? '',
      passwordHash: await this.hasher.hash(password),
      roles: [],
      emailConfirmedAt: new Date(),
    });
    if (!created) {
      throw usageError(`${email} already has an account`);
    }
    const unknown = await this.roles.addRoles(created.id, roles);
    if (unknown.length > 0) {
      throw usageError(`created ${email}, but these roles do not exist: ${unknown.join(', ')} (see roles:add)`);
    }
    // Rows written from the CLI have no actor (whoever has a shell on the server) and say `via: cli`.
    await this.audit.record({ action: 'user.created', target: { type: 'user', id: created.id }, details: { roles, via: 'cli' } });
    print(`created ${email} (${created.id}) with roles ${roles.join(', ')}`);
  }

  @Option({ flags: '-r, --role <role>', description: 'a role to grant (repeatable; default user)' })
  parseRole(value: string, previous: string[] = []): string[] {
    if (!ROLE.test(value)) {
      throw usageError(`"${value}" is not a role name`);
    }
    return [...previous, value];
  }

  @Option({ flags: '--first-name <name>' })
  parseFirstName(value: string): string {
    return value.slice(0, 100);
  }

  @Option({ flags: '--last-name <name>' })
  parseLastName(value: string): string {
    return value.slice(0, 100);
  }
}

@Command({ name: 'roles:add', arguments: '<name>', description: 'Create a role (checked by name with @Roles)' })
export class RolesAddCommand extends CommandRunner {
  constructor(private readonly roles: RolesRepository) {
    super();
  }

  async run([name]: string[], options: { description?: string }): Promise<void> {
    if (!ROLE.test(name)) {
      throw usageError(`"${name}" is not a role name (lowercase letters, digits, _ and -, up to 32)`);
    }
    print((await this.roles.createRole(name, options.description ?? '')) ? `created role ${name}` : `role ${name} already exists`);
  }

  @Option({ flags: '-d, --description <text>' })
  parseDescription(value: string): string {
    return value.slice(0, 200);
  }
}

@Command({
  name: 'users:reset-password',
  arguments: '<email>',
  description: 'Set a new password (prompted, or read from stdin) and end all of the user’s sessions',
})
export class UsersResetPasswordCommand extends CommandRunner {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly accounts: AccountsService,
    private readonly audit: AuditLog,
  ) {
    super();
  }

  async run([email]: string[]): Promise<void> {
    const user = await existingUser(this.users, email);
    const password = await newPassword(user.email);
    const passwordHash = await this.hasher.hash(password);
    await this.audit.recordChange(
      (m) => this.users.setPassword(user.id, passwordHash, m),
      () => ({ action: 'account.password-reset', target: { type: 'user', id: user.id }, details: { via: 'cli' } }),
    );
    await this.accounts.endOtherSessions(user.id, undefined);
    print(`password changed for ${user.email}; all sessions ended`);
  }
}

@Command({ name: 'users:revoke-sessions', arguments: '<email>', description: 'Sign a user out everywhere' })
export class UsersRevokeSessionsCommand extends CommandRunner {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
  ) {
    super();
  }

  async run([email]: string[]): Promise<void> {
    const user = await existingUser(this.users, email);
    const ended = await this.sessions.revokeAllForUser(user.id);
    await this.audit.record({
      action: 'sessions.revoked',
      target: { type: 'user', id: user.id },
      details: { scope: 'all', count: ended, via: 'cli' },
    });
    print(`ended ${ended} session${ended === 1 ? '' : 's'} of ${user.email}`);
  }
}

@Command({ name: 'users:disable', arguments: '<email>', description: 'Disable an account and end all of its sessions' })
export class UsersDisableCommand extends CommandRunner {
  constructor(
    private readonly users: UsersRepository,
    private readonly accounts: AccountsService,
  ) {
    super();
  }

  async run([email]: string[]): Promise<void> {
    const user = await existingUser(this.users, email);
    await this.accounts.setActive(user.id, false);
    print(`disabled ${user.email}; all sessions ended`);
  }
}
