import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { isProduction, type NodeEnvVariables } from './node-env.js';
import { toBool, toInt } from './parse.js';
import { defineSection, type Defaults } from './section.js';
import { Secret } from './secret.js';

export class LdapVariables {
  /** Unset: no LDAP sign-in (local accounts only). `ldap://host:389` or `ldaps://host:636`. */
  @IsOptional()
  @Matches(/^ldaps?:\/\/[^\s/?#]+\/?$/, { message: 'must be an ldap:// or ldaps:// URL (scheme, host and port only)' })
  AUTH_LDAP_URL?: string;

  /** The service account the user search binds as. Both unset: the search binds anonymously. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  AUTH_LDAP_BIND_DN?: string;

  @Secret()
  @IsOptional()
  @IsString()
  AUTH_LDAP_BIND_PASSWORD?: string;

  /** Where people are searched for (subtree), e.g. `ou=people,dc=example,dc=org`. Required with AUTH_LDAP_URL. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  AUTH_LDAP_SEARCH_BASE?: string;

  /** Finds the one entry for what was typed as the email: `{email}` is replaced, escaped per RFC 4515. */
  @IsString()
  @MaxLength(1024)
  AUTH_LDAP_USER_FILTER: string;

  /** Where groups are searched for. Unset: AUTH_LDAP_SEARCH_BASE. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  AUTH_LDAP_GROUP_SEARCH_BASE?: string;

  /** The groups a person is in: `{dn}` is replaced by the person's DN, escaped per RFC 4515. */
  @IsString()
  @MaxLength(1024)
  AUTH_LDAP_GROUP_FILTER: string;

  /**
   * Group → role: `<group DN>:<role>` pairs separated by `;`. At every LDAP sign-in the mapped
   * roles follow the groups; roles no group maps to are left as they are.
   */
  @IsOptional()
  @IsString()
  AUTH_LDAP_GROUP_ROLES?: string;

  /** Upgrade an ldap:// connection with STARTTLS before anything is sent. */
  @Transform(toBool)
  @IsBoolean()
  AUTH_LDAP_STARTTLS: boolean;

  /** A dead server answers a sign-in with 503 within these bounds (TCP connect; each operation). */
  @Transform(toInt)
  @Min(100)
  @Max(60000)
  @IsInt()
  AUTH_LDAP_CONNECT_TIMEOUT_MS: number;

  @Transform(toInt)
  @Min(100)
  @Max(60000)
  @IsInt()
  AUTH_LDAP_TIMEOUT_MS: number;
}

export interface LdapConfig {
  readonly url: string;
  /** undefined: anonymous search. */
  readonly bind: { readonly dn: string; readonly password: string } | undefined;
  readonly searchBase: string;
  readonly userFilter: string;
  readonly groupSearchBase: string;
  readonly groupFilter: string;
  /** Keyed by the group DN in normal form (see normalizeDn); each group grants one role. */
  readonly groupRoles: ReadonlyMap<string, string>;
  readonly startTls: boolean;
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
}

const ROLE_NAME = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * DNs are compared without case and without the spaces some servers put after commas
 * (`cn=Admins, ou=Groups` is `cn=admins,ou=groups`). Enough for the DNs a directory returns and
 * an operator copies into the mapping; escaped commas stay as they are.
 */
export function normalizeDn(dn: string): string {
  return dn
    .trim()
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();
}

/** `dn:role;dn:role` → map, or the problems. The role is after the last `:` (DNs may hold one). */
export function parseGroupRoles(value: string | undefined): { map: Map<string, string>; problems: string[] } {
  const map = new Map<string, string>();
  const problems: string[] = [];
  for (const entry of (value ?? '')
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const at = entry.lastIndexOf(':');
    const dn = at > 0 ? normalizeDn(entry.slice(0, at)) : '';
    const role = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!dn.includes('=') || !ROLE_NAME.test(role)) {
      problems.push(`AUTH_LDAP_GROUP_ROLES: "${entry}" must be "<group DN>:<role>" (role: lower-case letters, digits, - and _)`);
    } else if (map.has(dn) && map.get(dn) !== role) {
      problems.push(`AUTH_LDAP_GROUP_ROLES: the group "${dn}" is mapped twice`);
    } else {
      map.set(dn, role);
    }
  }
  return { map, problems };
}

/** A filter template must be one parenthesised filter and hold its placeholder. */
function filterProblem(name: string, template: string | undefined, placeholder: string): string[] {
  if (typeof template !== 'string') {
    return [];
  }
  let depth = 0;
  let balanced = template.startsWith('(') && template.endsWith(')');
  for (const c of template) {
    depth += c === '(' ? 1 : c === ')' ? -1 : 0;
    balanced &&= depth >= 0;
  }
  if (!balanced || depth !== 0) {
    return [`${name} must be one parenthesised LDAP filter, e.g. "(mail=${placeholder})"`];
  }
  return template.includes(placeholder) ? [] : [`${name} must contain ${placeholder}`];
}

type Env = LdapVariables & NodeEnvVariables;

const ALL: Defaults<LdapVariables> = {
  AUTH_LDAP_USER_FILTER: '(mail={email})',
  AUTH_LDAP_GROUP_FILTER: '(member={dn})',
  AUTH_LDAP_STARTTLS: 'false',
  AUTH_LDAP_CONNECT_TIMEOUT_MS: '3000',
  AUTH_LDAP_TIMEOUT_MS: '5000',
};

export const ldap = defineSection({
  schema: LdapVariables,
  defaults: { development: ALL, test: ALL, production: ALL },
  check: (env: Env) => {
    const problems = [
      ...filterProblem('AUTH_LDAP_USER_FILTER', env.AUTH_LDAP_USER_FILTER, '{email}'),
      ...filterProblem('AUTH_LDAP_GROUP_FILTER', env.AUTH_LDAP_GROUP_FILTER, '{dn}'),
      ...parseGroupRoles(env.AUTH_LDAP_GROUP_ROLES).problems,
    ];
    // A half-configured service account would silently search anonymously (or not at all).
    if ((env.AUTH_LDAP_BIND_DN === undefined) !== (env.AUTH_LDAP_BIND_PASSWORD === undefined)) {
      problems.push('AUTH_LDAP_BIND_DN and AUTH_LDAP_BIND_PASSWORD go together: set both, or neither for an anonymous search');
    }
    const url = env.AUTH_LDAP_URL;
    if (url && !env.AUTH_LDAP_SEARCH_BASE) {
      problems.push('AUTH_LDAP_SEARCH_BASE is required when AUTH_LDAP_URL is set');
    }
    if (url?.startsWith('ldaps:') && env.AUTH_LDAP_STARTTLS === true) {
      problems.push('AUTH_LDAP_STARTTLS is for ldap:// URLs; an ldaps:// connection is TLS from the start');
    }
    // Every sign-in sends a password to the directory: never in clear in production.
    if (url?.startsWith('ldap:') && env.AUTH_LDAP_STARTTLS === false && isProduction(env)) {
      problems.push(
        'AUTH_LDAP_URL: ldap:// without AUTH_LDAP_STARTTLS=true would send passwords in clear; use ldaps:// or STARTTLS in production',
      );
    }
    return problems;
  },
  build: (env: Env): LdapConfig | null => {
    const config: LdapConfig = {
      url: env.AUTH_LDAP_URL ?? '',
      bind: env.AUTH_LDAP_BIND_DN !== undefined ? { dn: env.AUTH_LDAP_BIND_DN, password: env.AUTH_LDAP_BIND_PASSWORD ?? '' } : undefined,
      searchBase: env.AUTH_LDAP_SEARCH_BASE ?? '',
      userFilter: env.AUTH_LDAP_USER_FILTER,
      groupSearchBase: env.AUTH_LDAP_GROUP_SEARCH_BASE ?? env.AUTH_LDAP_SEARCH_BASE ?? '',
      groupFilter: env.AUTH_LDAP_GROUP_FILTER,
      groupRoles: parseGroupRoles(env.AUTH_LDAP_GROUP_ROLES).map,
      startTls: env.AUTH_LDAP_STARTTLS,
      connectTimeoutMs: env.AUTH_LDAP_CONNECT_TIMEOUT_MS,
      timeoutMs: env.AUTH_LDAP_TIMEOUT_MS,
    };
    return config.url ? config : null;
  },
});
