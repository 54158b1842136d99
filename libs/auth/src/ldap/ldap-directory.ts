import { Injectable, Logger } from '@nestjs/common';
import { AppConfig, type LdapConfig, normalizeDn } from '@app/config';
import { DependencyUnavailableError } from '@app/errors';
import { Client, type Entry, InvalidCredentialsError } from 'ldapts';
import { fillFilter } from './ldap-filter.js';

/** A person the directory vouched for: the password bound as their entry. */
export interface DirectoryPerson {
  dn: string;
  /** The entry's `mail`, or undefined when it has none (the caller falls back to what was typed). */
  mail: string | undefined;
  firstName: string;
  lastName: string;
  /** The DNs of the groups the person is in, normalised (see normalizeDn). */
  groups: string[];
}

/**
 * The directory behind LDAP sign-in, as the login path sees it. One implementation talks to a
 * real server (ldapts); unit tests replace it.
 */
export abstract class LdapDirectory {
  /** False when AUTH_LDAP_URL is unset: nothing is ever asked of the directory. */
  abstract readonly enabled: boolean;

  /**
   * Finds the one entry for `login` with the user filter, then binds as it with `password`.
   * Resolves to the person when the bind succeeds; to null when no entry (or more than one)
   * matches or the password is wrong. Rejects with DependencyUnavailableError when the
   * directory cannot be reached or does not answer within the configured timeouts.
   */
  abstract authenticate(login: string, password: string): Promise<DirectoryPerson | null>;
}

const PERSON_ATTRIBUTES = ['mail', 'givenName', 'sn', 'cn'];

/**
 * One connection per sign-in (sign-ins are rare next to page views, and a pooled connection
 * bound as the last user would need a rebind anyway): STARTTLS if configured, the service bind
 * (or none: anonymous), the user search, the group search, then the bind as the user's entry.
 * The groups are read before the user bind, with the service account's rights, because an
 * ordinary entry may not be allowed to read groups.
 */
@Injectable()
export class LdaptsDirectory extends LdapDirectory {
  private readonly logger = new Logger('LdapDirectory');
  private readonly config: LdapConfig | null;

  constructor(config: AppConfig) {
    super();
    this.config = config.ldap;
  }

  get enabled(): boolean {
    return this.config !== null;
  }

  async authenticate(login: string, password: string): Promise<DirectoryPerson | null> {
    const config = this.config;
    // An empty password is an "unauthenticated bind" (RFC 4513 5.1.2): many servers answer it
    // with success. It must never count as a correct password.
    if (!config || password.length === 0 || login.length === 0) {
      return null;
    }
    const client = new Client({ url: config.url, connectTimeout: config.connectTimeoutMs, timeout: config.timeoutMs });
    try {
      if (config.startTls) {
        await client.startTLS();
      }
      if (config.bind) {
        await client.bind(config.bind.dn, config.bind.password);
      }
      const { searchEntries } = await client.search(config.searchBase, {
        scope: 'sub',
        filter: fillFilter(config.userFilter, { email: login }),
        attributes: PERSON_ATTRIBUTES,
        sizeLimit: 2,
      });
      if (searchEntries.length !== 1) {
        if (searchEntries.length > 1) {
          this.logger.warn('LDAP sign-in refused: the user filter matched more than one entry');
        }
        return null;
      }
      const entry = searchEntries[0];
      const groups = await client.search(config.groupSearchBase, {
        scope: 'sub',
        filter: fillFilter(config.groupFilter, { dn: entry.dn }),
        attributes: ['dn'],
      });
      try {
        await client.bind(entry.dn, password);
      } catch (error) {
        if (error instanceof InvalidCredentialsError) {
          return null;
        }
        throw error;
      }
      return {
        dn: entry.dn,
        mail: first(entry, 'mail'),
        firstName: first(entry, 'givenName') ?? '',
        lastName: first(entry, 'sn') ?? first(entry, 'cn') ?? '',
        groups: groups.searchEntries.map((g) => normalizeDn(g.dn)),
      };
    } catch (error) {
      // Unreachable, timed out, TLS refused, or an answer we cannot use (a wrong search base):
      // none of it says anything about the password, so the attempt is not a guess.
      this.logger.warn(
        `LDAP directory failed: ${error instanceof Error ? `${error.constructor.name}: ${error.message.trim()}` : String(error)}`,
      );
      throw new DependencyUnavailableError('directory (LDAP)', error);
    } finally {
      client.unbind().catch(() => undefined);
    }
  }
}

function first(entry: Entry, attribute: string): string | undefined {
  const value = entry[attribute];
  const one = Array.isArray(value) ? value[0] : value;
  const text = one === undefined ? undefined : Buffer.isBuffer(one) ? one.toString('utf8') : one;
  return text?.trim() ? text.trim().slice(0, 254) : undefined;
}
