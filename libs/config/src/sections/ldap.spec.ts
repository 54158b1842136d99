import { toAppConfig } from '../app-config.js';
import { validateEnv } from '../validate-env.js';
import { normalizeDn, parseGroupRoles } from './ldap.js';
import { LOCAL_ENV, problemsOf } from '../../test/env-fixtures.js';

const LDAP = {
  ...LOCAL_ENV,
  AUTH_LDAP_URL: 'ldap://127.0.0.1:389',
  AUTH_LDAP_SEARCH_BASE: 'ou=people,dc=example,dc=org',
};

describe('LDAP config', () => {
  it('is off without AUTH_LDAP_URL', () => {
    expect(toAppConfig(validateEnv(LOCAL_ENV)).ldap).toBeNull();
  });

  it('maps a full configuration', () => {
    const config = toAppConfig(
      validateEnv({
        ...LDAP,
        AUTH_LDAP_BIND_DN: 'cn=reader,dc=example,dc=org',
        AUTH_LDAP_BIND_PASSWORD: 'pw',
        AUTH_LDAP_GROUP_ROLES: 'cn=Admins, ou=groups,dc=example,dc=org:admin; cn=staff,ou=groups,dc=example,dc=org:dev',
        AUTH_LDAP_STARTTLS: 'true',
        AUTH_LDAP_TIMEOUT_MS: '800',
      }),
    ).ldap;
    expect(config).toMatchObject({
      url: 'ldap://127.0.0.1:389',
      bind: { dn: 'cn=reader,dc=example,dc=org', password: 'pw' },
      searchBase: 'ou=people,dc=example,dc=org',
      groupSearchBase: 'ou=people,dc=example,dc=org',
      userFilter: '(mail={email})',
      groupFilter: '(member={dn})',
      startTls: true,
      connectTimeoutMs: 3000,
      timeoutMs: 800,
    });
    expect([...config!.groupRoles]).toEqual([
      ['cn=admins,ou=groups,dc=example,dc=org', 'admin'],
      ['cn=staff,ou=groups,dc=example,dc=org', 'dev'],
    ]);
  });

  it('searches anonymously when neither bind variable is set', () => {
    expect(toAppConfig(validateEnv(LDAP)).ldap?.bind).toBeUndefined();
  });

  it('refuses a bind DN without its password, and the reverse', () => {
    const message = 'AUTH_LDAP_BIND_DN and AUTH_LDAP_BIND_PASSWORD go together: set both, or neither for an anonymous search';
    expect(problemsOf({ ...LDAP, AUTH_LDAP_BIND_DN: 'cn=reader,dc=example,dc=org' })).toEqual([message]);
    expect(problemsOf({ ...LDAP, AUTH_LDAP_BIND_PASSWORD: 'pw' })).toEqual([message]);
  });

  it('refuses a URL that is not ldap(s), a missing search base, and STARTTLS on ldaps', () => {
    expect(problemsOf({ ...LDAP, AUTH_LDAP_URL: 'http://ldap.example.org' })).toEqual([
      'AUTH_LDAP_URL must be an ldap:// or ldaps:// URL (scheme, host and port only)',
    ]);
    expect(problemsOf({ ...LOCAL_ENV, AUTH_LDAP_URL: 'ldaps://ldap.example.org' })).toEqual([
      'AUTH_LDAP_SEARCH_BASE is required when AUTH_LDAP_URL is set',
    ]);
    expect(problemsOf({ ...LDAP, AUTH_LDAP_URL: 'ldaps://ldap.example.org', AUTH_LDAP_STARTTLS: 'true' })).toEqual([
      'AUTH_LDAP_STARTTLS is for ldap:// URLs; an ldaps:// connection is TLS from the start',
    ]);
  });

  it('refuses plain ldap:// in production', () => {
    const problems = problemsOf({ ...LDAP, NODE_ENV: 'production' });
    expect(problems).toContain(
      'AUTH_LDAP_URL: ldap:// without AUTH_LDAP_STARTTLS=true would send passwords in clear; use ldaps:// or STARTTLS in production',
    );
  });

  it('refuses filters without their placeholder or with unbalanced parentheses', () => {
    expect(problemsOf({ ...LDAP, AUTH_LDAP_USER_FILTER: '(uid=alice)' })).toEqual(['AUTH_LDAP_USER_FILTER must contain {email}']);
    expect(problemsOf({ ...LDAP, AUTH_LDAP_USER_FILTER: '(&(mail={email})' })).toEqual([
      'AUTH_LDAP_USER_FILTER must be one parenthesised LDAP filter, e.g. "(mail={email})"',
    ]);
    expect(problemsOf({ ...LDAP, AUTH_LDAP_USER_FILTER: 'mail={email}' })).toHaveLength(1);
    expect(problemsOf({ ...LDAP, AUTH_LDAP_GROUP_FILTER: '(member=x))(' })).toEqual([
      'AUTH_LDAP_GROUP_FILTER must be one parenthesised LDAP filter, e.g. "(mail={dn})"',
    ]);
    expect(problemsOf({ ...LDAP, AUTH_LDAP_USER_FILTER: '(&(objectClass=person)(|(mail={email})(uid={email})))' })).toEqual([]);
  });

  it('refuses a malformed group mapping, naming the entry', () => {
    expect(problemsOf({ ...LDAP, AUTH_LDAP_GROUP_ROLES: 'cn=admins,dc=example,dc=org' })).toEqual([
      'AUTH_LDAP_GROUP_ROLES: "cn=admins,dc=example,dc=org" must be "<group DN>:<role>" (role: lower-case letters, digits, - and _)',
    ]);
    expect(parseGroupRoles('cn=a,dc=x:Admin').problems).toHaveLength(1);
    expect(parseGroupRoles('admin').problems).toHaveLength(1);
    expect(parseGroupRoles('cn=a,dc=x:admin;cn=A, dc=x:dev').problems).toEqual([
      'AUTH_LDAP_GROUP_ROLES: the group "cn=a,dc=x" is mapped twice',
    ]);
    expect(parseGroupRoles(' ; ').map.size).toBe(0);
  });

  it('compares DNs without case or spaces after commas', () => {
    expect(normalizeDn(' CN=Admins, OU=Groups ,dc = example')).toBe('cn=admins,ou=groups,dc=example');
    expect(normalizeDn('cn=a\\, b,dc=x')).toBe('cn=a\\, b,dc=x');
  });
});
