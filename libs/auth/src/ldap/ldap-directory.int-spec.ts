import { Logger } from '@nestjs/common';
import { type AppConfig, type LdapConfig, normalizeDn } from '@app/config';
import { DependencyUnavailableError } from '@app/errors';
import { LDAP_SERVICE_DN, LDAP_SERVICE_PASSWORD, LdapServer } from '@app/testing';
import net from 'node:net';
import { LdaptsDirectory } from './ldap-directory.js';

// The directory logs each failure it turns into a 503; the test output keeps to the failures.
Logger.overrideLogger(false);

const PASSWORD = 'a directory password';
const people = [
  { uid: 'ada', mail: 'ada@example.org', givenName: 'Ada', sn: 'King', password: PASSWORD, groups: ['admins', 'staff'] },
  { uid: 'twin1', mail: 'twin@example.org', givenName: 'T', sn: 'One', password: PASSWORD },
  { uid: 'twin2', mail: 'twin@example.org', givenName: 'T', sn: 'Two', password: PASSWORD },
];

function directory(ldap: Partial<LdapConfig> & { url: string }): LdaptsDirectory {
  const config: LdapConfig = {
    bind: { dn: LDAP_SERVICE_DN, password: LDAP_SERVICE_PASSWORD },
    searchBase: 'ou=people,dc=example,dc=org',
    userFilter: '(mail={email})',
    groupSearchBase: 'ou=groups,dc=example,dc=org',
    groupFilter: '(member={dn})',
    groupRoles: new Map(),
    startTls: false,
    connectTimeoutMs: 500,
    timeoutMs: 500,
    ...ldap,
  };
  return new LdaptsDirectory({ ldap: config } as unknown as AppConfig);
}

/** LdaptsDirectory against a real slapd, and against servers that fail in the ways a network does. */
describe('LdaptsDirectory', () => {
  const ldap = new LdapServer(people);
  beforeAll(() => ldap.start());
  afterAll(() => ldap.stop());

  it('returns the person with names and normalised group DNs, with a service account or anonymously', async () => {
    for (const bind of [undefined, { dn: LDAP_SERVICE_DN, password: LDAP_SERVICE_PASSWORD }]) {
      const person = await directory({ url: ldap.url, bind }).authenticate('ada@example.org', PASSWORD);
      expect(person).toEqual({
        dn: LdapServer.personDn('ada'),
        mail: 'ada@example.org',
        firstName: 'Ada',
        lastName: 'King',
        groups: expect.arrayContaining([normalizeDn(LdapServer.groupDn('admins')), normalizeDn(LdapServer.groupDn('staff'))]) as unknown,
      });
    }
  });

  it('says no to a wrong or empty password, an unknown address, and an address two entries share', async () => {
    const d = directory({ url: ldap.url });
    expect(await d.authenticate('ada@example.org', 'wrong')).toBeNull();
    expect(await d.authenticate('ada@example.org', '')).toBeNull();
    expect(await d.authenticate('nobody@example.org', PASSWORD)).toBeNull();
    expect(await d.authenticate('twin@example.org', PASSWORD)).toBeNull();
  });

  it('is disabled without a URL and asks nothing', async () => {
    const d = new LdaptsDirectory({ ldap: null } as unknown as AppConfig);
    expect(d.enabled).toBe(false);
    expect(await d.authenticate('ada@example.org', PASSWORD)).toBeNull();
  });

  it('answers DependencyUnavailableError for a refused connection, a wrong service password, and STARTTLS the server lacks', async () => {
    const closed = new LdapServer([]);
    await closed.start();
    const url = closed.url;
    await closed.stop();
    await expect(directory({ url }).authenticate('ada@example.org', PASSWORD)).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(
      directory({ url: ldap.url, bind: { dn: LDAP_SERVICE_DN, password: 'wrong' } }).authenticate('ada@example.org', PASSWORD),
    ).rejects.toBeInstanceOf(DependencyUnavailableError);
    await expect(directory({ url: ldap.url, startTls: true }).authenticate('ada@example.org', PASSWORD)).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });

  it('gives up on a server that accepts the connection and never answers, within the operation timeout', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = silent.address() as net.AddressInfo;
      const started = Date.now();
      await expect(
        directory({ url: `ldap://127.0.0.1:${port}`, timeoutMs: 300 }).authenticate('ada@example.org', PASSWORD),
      ).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
