import { Init1764220000000 } from './1764220000000-init.js';
import { MailOutbox1764300000000 } from './1764300000000-mail-outbox.js';
import { Accounts1764400000000 } from './1764400000000-accounts.js';
import { SecondFactor1764500000000 } from './1764500000000-second-factor.js';
import { LdapAccounts1764600000000 } from './1764600000000-ldap-accounts.js';
import { AuditEvents1764700000000 } from './1764700000000-audit-events.js';
import { Invitations1764800000000 } from './1764800000000-invitations.js';

/**
 * Every migration, in order. Listed explicitly rather than globbed so that the same list works
 * from sources (tests), from dist/ (production) and inside a bundle.
 */
export const MIGRATIONS = [Init1764220000000, MailOutbox1764300000000, Accounts1764400000000, SecondFactor1764500000000, LdapAccounts1764600000000, AuditEvents1764700000000, Invitations1764800000000];
