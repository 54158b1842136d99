import type { AuditLog } from '@app/audit';
import type { AppConfig } from '@app/config';
import { EmailNotConfirmedError, LoginFailedError } from '../accounts/account-errors.js';
import type { LdapAccounts } from '../ldap/ldap-accounts.js';
import type { DirectoryPerson, LdapDirectory } from '../ldap/ldap-directory.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { UsersRepository, UserWithSecret } from '../users/users.repository.js';
import type { LoginThrottle } from './login-throttle.js';
import { LoginService } from './login.service.js';

/** Records calls; returns what the test configured. Hand-made: jest's `jest` object is not a global under native ESM. */
function fake<T extends Record<string, (...args: never[]) => unknown>>(impl: T) {
  const calls: Record<string, unknown[][]> = {};
  const wrapped = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(impl)) {
    calls[name] = [];
    wrapped[name] = (...args: never[]) => {
      calls[name].push(args);
      return fn(...args);
    };
  }
  return { object: wrapped as T, calls };
}

function setup(
  user: Partial<UserWithSecret> | null,
  options: {
    valid?: boolean;
    rehash?: boolean;
    requireConfirmation?: boolean;
    blocked?: boolean;
    hasherDown?: boolean;
    /** LDAP on, and what the directory answers (a person, null for "no", or an error). */
    ldap?: DirectoryPerson | null | Error;
  } = {},
) {
  const hasher = fake({
    verify: async () => {
      if (options.hasherDown) {
        throw new Error('hasher down');
      }
      return options.valid ?? true;
    },
    verifyDummy: async () => undefined,
    needsRehash: () => options.rehash ?? false,
    hash: async () => 'new-hash',
  });
  const attempt = { keys: ['pair', 'client', 'account'] };
  const throttle = fake({
    reserve: async () => {
      if (options.blocked) {
        throw new Error('blocked');
      }
      return attempt;
    },
    succeeded: () => undefined,
    abandoned: () => undefined,
  });
  const users = fake({
    findWithSecretByEmail: async () =>
      user && { id: 'u1', email: 'a@example.org', passwordHash: 'hash', active: true, emailConfirmedAt: new Date(), authEpoch: 3, ...user },
    replaceHash: async () => undefined,
  });
  const config = { auth: { requireEmailConfirmation: options.requireConfirmation ?? true } } as unknown as AppConfig;
  const directory = fake({
    authenticate: async () => {
      if (options.ldap instanceof Error) {
        throw options.ldap;
      }
      return options.ldap ?? null;
    },
  });
  const ldapAccount = { id: 'l1', email: 'p@example.org', active: true, emailConfirmedAt: new Date(), authEpoch: 0, authSource: 'ldap' };
  const ldapAccounts = fake({ accountFor: async () => ldapAccount });
  const service = new LoginService(
    users.object as unknown as UsersRepository,
    hasher.object as unknown as PasswordHasher,
    throttle.object as unknown as LoginThrottle,
    config,
    Object.assign(directory.object, { enabled: options.ldap !== undefined }) as unknown as LdapDirectory,
    ldapAccounts.object as unknown as LdapAccounts,
    fake({ signIn: async () => undefined, signInFailed: async () => undefined }).object as unknown as AuditLog,
  );
  return {
    service,
    attempt,
    hasher: hasher.calls,
    throttle: throttle.calls,
    users: users.calls,
    directory: directory.calls,
    ldapAccounts: ldapAccounts.calls,
  };
}

describe('LoginService', () => {
  it('spends a dummy hash on unknown accounts and keeps the attempt counted', async () => {
    const { service, hasher, throttle } = setup(null);
    await expect(service.authenticate('nobody@example.org', 'whatever', '10.0.0.1')).rejects.toBeInstanceOf(LoginFailedError);
    expect(hasher.verifyDummy).toEqual([['whatever']]);
    expect(hasher.verify).toEqual([]);
    expect(throttle.reserve).toEqual([['nobody@example.org', '10.0.0.1']]);
    expect(throttle.succeeded).toEqual([]);
    expect(throttle.abandoned).toEqual([]);
  });

  it('reserves the attempt before hashing and hands it back after a good password', async () => {
    const { service, attempt, throttle } = setup({});
    await service.authenticate('a@example.org', 'pw', '10.0.0.1');
    expect(throttle.reserve).toEqual([['a@example.org', '10.0.0.1']]);
    expect(throttle.succeeded).toEqual([[attempt]]);
  });

  it('keeps a wrong password and a disabled account counted', async () => {
    for (const s of [setup({}, { valid: false }), setup({ active: false })]) {
      await expect(s.service.authenticate('a@example.org', 'x', 'ip')).rejects.toBeInstanceOf(LoginFailedError);
      expect(s.throttle.succeeded).toEqual([]);
      expect(s.throttle.abandoned).toEqual([]);
    }
  });

  it('hands the attempt back when the password could not be checked', async () => {
    const { service, attempt, throttle } = setup({}, { hasherDown: true });
    await expect(service.authenticate('a@example.org', 'x', 'ip')).rejects.toThrow('hasher down');
    expect(throttle.abandoned).toEqual([[attempt]]);
  });

  it('gives a wrong password and a disabled account the same answer', async () => {
    const wrong = setup({}, { valid: false });
    const disabled = setup({ active: false });
    const a = await wrong.service.authenticate('a@example.org', 'x', 'ip').catch((e: Error) => e);
    const b = await disabled.service.authenticate('a@example.org', 'x', 'ip').catch((e: Error) => e);
    expect(a).toEqual(b);
    expect(a).toBeInstanceOf(LoginFailedError);
  });

  it('checks the throttle before the password, so a blocked account costs no hash', async () => {
    const { service, hasher } = setup({}, { blocked: true });
    await expect(service.authenticate('a@example.org', 'x', 'ip')).rejects.toThrow('blocked');
    expect(hasher.verify).toEqual([]);
  });

  it('refuses an unconfirmed address only after the password is right, and only when configured', async () => {
    await expect(setup({ emailConfirmedAt: null }).service.authenticate('a@example.org', 'x', 'ip')).rejects.toBeInstanceOf(
      EmailNotConfirmedError,
    );
    await expect(
      setup({ emailConfirmedAt: null }, { requireConfirmation: false }).service.authenticate('a@example.org', 'x', 'ip'),
    ).resolves.toEqual({
      id: 'u1',
      email: 'a@example.org',
      authEpoch: 3,
      secondFactor: false,
    });
  });

  it('says when a second factor is on (read with the user, no extra query): the caller asks for a code', async () => {
    await expect(setup({ totpEnabledAt: new Date() }).service.authenticate('a@example.org', 'x', 'ip')).resolves.toMatchObject({
      id: 'u1',
      secondFactor: true,
    });
  });

  it('rehashes after a good login when the parameters were raised', async () => {
    const { service, users } = setup({}, { rehash: true });
    await service.authenticate('a@example.org', 'pw', 'ip');
    expect(users.replaceHash).toEqual([['u1', 'new-hash']]);
  });

  it('refuses non-string or absurdly long input without touching the database', async () => {
    const { service, users } = setup({});
    await expect(service.authenticate(['a'], 'x', 'ip')).rejects.toBeInstanceOf(LoginFailedError);
    await expect(service.authenticate('a@example.org', 'x'.repeat(1000), 'ip')).rejects.toBeInstanceOf(LoginFailedError);
    expect(users.findWithSecretByEmail).toEqual([]);
  });

  describe('with LDAP configured', () => {
    const person: DirectoryPerson = { dn: 'uid=p,dc=x', mail: 'p@example.org', firstName: 'P', lastName: 'Q', groups: [] };

    it('never asks the directory about an account with a local password', async () => {
      const { service, directory } = setup({}, { ldap: person });
      await service.authenticate('a@example.org', 'pw', 'ip');
      expect(directory.authenticate).toEqual([]);
    });

    it('asks it about an unknown address, with a dummy hash alongside, and signs in the account it vouches for', async () => {
      const { service, directory, hasher, ldapAccounts, throttle, attempt } = setup(null, { ldap: person });
      await expect(service.authenticate(' p@example.org', 'pw', 'ip')).resolves.toMatchObject({
        id: 'l1',
        email: 'p@example.org',
        authEpoch: 0,
      });
      expect(directory.authenticate).toEqual([['p@example.org', 'pw']]);
      expect(hasher.verifyDummy).toEqual([['pw']]);
      expect(ldapAccounts.accountFor).toEqual([[person, 'p@example.org', null]]);
      expect(throttle.succeeded).toEqual([[attempt]]);
    });

    it('asks it about an account an LDAP sign-in created, and counts a "no"', async () => {
      const { service, directory, throttle } = setup({ passwordHash: null, authSource: 'ldap' }, { ldap: null });
      await expect(service.authenticate('a@example.org', 'pw', 'ip')).rejects.toBeInstanceOf(LoginFailedError);
      expect(directory.authenticate).toHaveLength(1);
      expect(throttle.succeeded).toEqual([]);
      expect(throttle.abandoned).toEqual([]);
    });

    it('leaves a local account without a password (invited, reset by an admin) to the dummy hash', async () => {
      const { service, directory, hasher } = setup({ passwordHash: null, authSource: 'local' }, { ldap: person });
      await expect(service.authenticate('a@example.org', 'pw', 'ip')).rejects.toBeInstanceOf(LoginFailedError);
      expect(directory.authenticate).toEqual([]);
      expect(hasher.verifyDummy).toEqual([['pw']]);
    });

    it('hands the attempt back when the directory is down', async () => {
      const { service, throttle, attempt } = setup(null, { ldap: new Error('directory down') });
      await expect(service.authenticate('p@example.org', 'pw', 'ip')).rejects.toThrow('directory down');
      expect(throttle.abandoned).toEqual([[attempt]]);
    });
  });
});
