import { AdminActionRefusedError, AdminUsersService } from '@app/admin';
import { AccountsService, UsersRepository } from '@app/auth';
import { LDAP_SERVICE_DN, LDAP_SERVICE_PASSWORD, LdapServer, type LdapPerson, TcpProxy } from '@app/testing';
import { DataSource } from 'typeorm';
import { startAccountsStack, type AccountsStack } from './support/accounts-harness.js';
import { SESSION_STORES, useAccountsStack } from './support/accounts-suite.js';
import { FormClient } from './support/form-client.js';

const person = (uid: string, groups: string[] = []): LdapPerson => ({
  uid,
  mail: `${uid}@ldap.example.org`,
  givenName: uid.charAt(0).toUpperCase() + uid.slice(1),
  sn: 'Directory',
  password: `${uid} has a directory password`,
  groups,
});

/** Everyone the directory knows; each test signs in its own people. */
const PEOPLE = {
  ann: person('ann', ['admins']),
  bob: person('bob', ['staff']),
  cid: person('cid'),
  dan: person('dan'),
  eve: person('eve'),
  fay: person('fay', ['admins']),
  gus: person('gus'),
  hal: person('hal', ['staff']),
  joy: person('joy'),
  ivy: person('ivy', ['staff']),
};
const emailOf = (p: LdapPerson) => p.mail!;

const ldapEnv = (url: string, bind = true): Record<string, string> => ({
  AUTH_LDAP_URL: url,
  ...(bind ? { AUTH_LDAP_BIND_DN: LDAP_SERVICE_DN, AUTH_LDAP_BIND_PASSWORD: LDAP_SERVICE_PASSWORD } : {}),
  AUTH_LDAP_SEARCH_BASE: 'ou=people,dc=example,dc=org',
  AUTH_LDAP_GROUP_SEARCH_BASE: 'ou=groups,dc=example,dc=org',
  AUTH_LDAP_GROUP_ROLES: `${LdapServer.groupDn('admins')}:admin;${LdapServer.groupDn('staff')}:dev`,
  AUTH_LDAP_CONNECT_TIMEOUT_MS: '1000',
  AUTH_LDAP_TIMEOUT_MS: '2000',
});

async function signIn(b: FormClient, email: string, password: string) {
  await b.get('/login');
  return b.post('/login', { email, password });
}

/**
 * LDAP sign-in against a real OpenLDAP (a private slapd per describe block, behind a TCP proxy
 * that can cut it off), through the login form, on both session stores: the first sign-in
 * creates the local account with roles from the groups, later ones follow group changes, and
 * the local accounts and their pages behave as before.
 */
describe.each(SESSION_STORES)('LDAP sign-in (%s sessions)', (store) => {
  const ldap = new LdapServer(Object.values(PEOPLE));
  let proxy: TcpProxy;

  beforeAll(async () => {
    await ldap.start();
    proxy = await new TcpProxy('127.0.0.1', ldap.port).start();
  });
  const t = useAccountsStack(store, () => ldapEnv(`ldap://127.0.0.1:${proxy.port}`));
  afterAll(async () => {
    await proxy?.stop();
    await ldap.stop();
  });

  const users = () => t.stack.api.get(UsersRepository);
  const rolesOf = async (email: string) => (await users().findAuthState((await users().findByEmail(email))!.id))!.roles;

  it('creates the local account at the first sign-in: confirmed, names and roles from the directory, no local password', async () => {
    const { ann } = PEOPLE;
    expect(await users().findByEmail(emailOf(ann))).toBeNull();
    const b = t.browser();
    const res = await signIn(b, emailOf(ann), ann.password);
    expect(res.status).toBe(303);
    const user = (await users().findWithSecretByEmail(emailOf(ann)))!;
    expect(user).toMatchObject({ firstName: 'Ann', lastName: 'Directory', authSource: 'ldap', active: true, passwordHash: null });
    expect(user.emailConfirmedAt).not.toBeNull();
    expect(await rolesOf(emailOf(ann))).toEqual(['admin', 'user']);
    const home = await b.get('/account');
    expect(home.status).toBe(200);
    expect(home.text).toContain(emailOf(ann));
    // The next sign-in finds the same account (no second one, no error).
    expect((await signIn(t.browser(), emailOf(ann).toUpperCase(), ann.password)).status).toBe(303);
  });

  it('follows group changes at the next sign-in, leaves unmapped roles alone, and rotates the older session', async () => {
    const { bob } = PEOPLE;
    const first = t.browser();
    expect((await signIn(first, emailOf(bob), bob.password)).status).toBe(303);
    expect(await rolesOf(emailOf(bob))).toEqual(['dev', 'user']);
    expect((await first.get('/account')).status).toBe(200);
    const before = first.cookie!;

    const dn = LdapServer.personDn('bob');
    await ldap.modify(
      [`dn: ${LdapServer.groupDn('staff')}`, 'changetype: modify', 'delete: member', `member: ${dn}`, ''].join('\n') +
        '\n' +
        [`dn: ${LdapServer.groupDn('admins')}`, 'changetype: modify', 'add: member', `member: ${dn}`, ''].join('\n'),
    );
    expect((await signIn(t.browser(), emailOf(bob), bob.password)).status).toBe(303);
    expect(await rolesOf(emailOf(bob))).toEqual(['admin', 'user']); // dev gone, admin added, user (unmapped) kept

    // The session issued under the old roles gets a new id on its next request, as after an admin's change.
    expect((await first.get('/account')).status).toBe(200);
    expect(first.cookie).not.toBe(before);
    const replay = t.browser();
    replay.cookie = before;
    expect((await replay.get('/account')).status).toBe(303);
  });

  it('refuses a wrong password and counts it on the throttle', async () => {
    const { cid } = PEOPLE;
    const b = t.browser();
    for (let i = 0; i < 5; i++) {
      expect((await signIn(b, emailOf(cid), 'not the directory password')).status).toBe(401);
    }
    expect(await users().findByEmail(emailOf(cid))).toBeNull();
    // Five failures from this client: even the right password waits now.
    expect((await signIn(b, emailOf(cid), cid.password)).status).toBe(429);
    // An empty password would be an anonymous bind, which slapd accepts: it is never a sign-in.
    expect((await signIn(t.browser(), emailOf(PEOPLE.eve), '')).status).toBe(401);
  });

  it('keeps local accounts working, without asking the directory', async () => {
    const { email } = await t.member('local');
    await proxy.cut();
    try {
      expect((await signIn(t.browser(), email, 'a long and unusual passphrase')).status).toBe(303);
    } finally {
      await proxy.restore();
    }
  });

  it('refuses a disabled LDAP account although the directory accepts the password', async () => {
    const { dan } = PEOPLE;
    expect((await signIn(t.browser(), emailOf(dan), dan.password)).status).toBe(303);
    await t.stack.api.get(AccountsService).setActive((await users().findByEmail(emailOf(dan)))!.id, false);
    expect((await signIn(t.browser(), emailOf(dan), dan.password)).status).toBe(401);
  });

  it('hides and refuses password change, email change and password reset for an LDAP account', async () => {
    const { eve } = PEOPLE;
    const b = t.browser();
    expect((await signIn(b, emailOf(eve), eve.password)).status).toBe(303);

    const passwordPage = await b.get('/account/password');
    expect(passwordPage.text).toContain('data-testid="ldap-managed-password"');
    expect(passwordPage.text).not.toContain('name="newPassword"');
    const changed = await b.post('/account/password', { currentPassword: eve.password, newPassword: 'a brand new local passphrase' });
    expect(changed.status).toBe(422);

    const profile = await b.get('/account/profile');
    expect(profile.text).toContain('data-testid="ldap-managed-email"');
    expect(profile.text).not.toContain('action="/account/email"');
    const moved = await b.post('/account/email', { email: t.address('eve-elsewhere'), password: eve.password });
    expect(moved.status).toBe(422);

    // Forgot-password answers as for anyone, and mails nothing: a local member asking after eve gets their link.
    const anon = t.browser();
    expect((await anon.get('/forgot-password')).text).toContain('data-testid="ldap-reset-note"');
    expect((await anon.post('/forgot-password', { email: emailOf(eve) })).status).toBe(200);
    const { email: fence } = await t.member('fence');
    await anon.post('/forgot-password', { email: fence });
    await t.stack.mailTo(fence, 2);
    expect(await t.stack.api.get(AccountsService).sendPasswordReset(emailOf(eve))).toBe(false);
    expect(t.stack.mailsTo(emailOf(eve))).toEqual([]);
    expect((await users().findWithSecretByEmail(emailOf(eve)))!.passwordHash).toBeNull();
  });

  it("keeps an admin from moving an LDAP account's address, and a forced reset mails no link", async () => {
    const { joy } = PEOPLE;
    expect((await signIn(t.browser(), emailOf(joy), joy.password)).status).toBe(303);
    const id = (await users().findByEmail(emailOf(joy)))!.id;
    const admin = t.stack.api.get(AdminUsersService);
    // The acting admin is a real account: the audit row of each action names it.
    const actor = await t.userIdOf((await t.member('ldap-admin')).email);
    await expect(admin.edit(actor, id, { firstName: 'Joy', lastName: 'Renamed', email: t.address('joy-moved') })).rejects.toBeInstanceOf(
      AdminActionRefusedError,
    );
    expect(await users().findByEmail(emailOf(joy))).toMatchObject({ id, lastName: 'Renamed' });

    expect(await admin.forcePasswordReset(actor, id)).toBe(true);
    const outbox = await t.stack.api
      .get(DataSource)
      .query<Array<{ n: string }>>(`SELECT count(*) AS n FROM mail_outbox WHERE lower(recipient) = lower($1)`, [emailOf(joy)]);
    expect(outbox[0].n).toBe('0');
    // The directory still decides: joy signs in as before.
    expect((await signIn(t.browser(), emailOf(joy), joy.password)).status).toBe(303);
  });

  it('checks the directory password where a signed-in page asks for it again (a new API key, sign out others)', async () => {
    const { hal } = PEOPLE;
    const b = t.browser();
    expect((await signIn(b, emailOf(hal), hal.password)).status).toBe(303);
    await b.get('/account/api-keys');
    expect((await b.post('/account/api-keys', { label: 'ci', password: 'not the directory password' })).status).toBe(422);
    expect((await b.post('/account/api-keys', { label: 'ci', password: hal.password })).status).toBe(201);
    await b.get('/account/sessions');
    expect((await b.post('/account/sessions/revoke-others', { password: hal.password })).status).toBe(303);
  });

  it('treats what is typed as a value, never as filter syntax', async () => {
    const { fay } = PEOPLE;
    // Unescaped, "fay*" would match fay's entry and bind with her password.
    for (const typed of ['fay*', '*)(uid=fay', '*)(uid=*', '*', 'fay@ldap.example.org)(|(uid=*']) {
      expect([typed, (await signIn(t.browser(), typed, fay.password)).status]).toEqual([typed, 401]);
    }
    expect(await users().findByEmail(emailOf(fay))).toBeNull();
  });

  it('answers 503 for LDAP accounts while the directory is down, refunds those attempts, and local accounts still sign in', async () => {
    const { gus } = PEOPLE;
    const { email: local } = await t.member('during-outage');
    await proxy.cut();
    try {
      for (let i = 0; i < 6; i++) {
        const started = Date.now();
        expect((await signIn(t.browser(), emailOf(gus), gus.password)).status).toBe(503);
        expect(Date.now() - started).toBeLessThan(3000);
      }
      expect((await signIn(t.browser(), local, 'a long and unusual passphrase')).status).toBe(303);
    } finally {
      await proxy.restore();
    }
    // Six attempts were not counted (the limit is five): the directory is back and gus signs in.
    expect((await signIn(t.browser(), emailOf(gus), gus.password)).status).toBe(303);
  });
});

describe('LDAP sign-in with an anonymous search', () => {
  const ldap = new LdapServer([{ ...PEOPLE.ivy, groups: ['staff', 'admins'] }]);
  let stack: AccountsStack | undefined;

  beforeAll(async () => {
    await ldap.start();
    stack = await startAccountsStack('redis', {
      ...ldapEnv(ldap.url, false),
      // A role the roles table lacks is skipped (and logged), never a failed sign-in.
      AUTH_LDAP_GROUP_ROLES: `${LdapServer.groupDn('staff')}:dev;${LdapServer.groupDn('admins')}:auditor`,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await ldap.stop();
  });

  it('finds the entry without a service account and signs in with the roles of its groups that exist', async () => {
    const { ivy } = PEOPLE;
    const b = new FormClient(stack!.http);
    expect((await signIn(b, emailOf(ivy), 'wrong')).status).toBe(401);
    expect((await signIn(b, emailOf(ivy), ivy.password)).status).toBe(303);
    const users = stack!.api.get(UsersRepository);
    expect((await users.findAuthState((await users.findByEmail(emailOf(ivy)))!.id))!.roles).toEqual(['dev', 'user']);
  });
});
