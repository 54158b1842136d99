/**
 * Who is making the request, as the guards and the pages see it. Built from one narrow query per
 * request (never the full user with relations), for a session or for an API key.
 */
export interface Principal {
  userId: string;
  email: string;
  firstName: string;
  lastName: string;
  roles: readonly string[];
  /** How the request authenticated. An API key never opens pages; a session never opens /api. */
  via: 'session' | 'api-key';
  /** Set when `via` is 'api-key'. */
  apiKeyId?: string;
  /** The account signs in through LDAP: its password and address are the directory's (pages say so). */
  directoryManaged?: boolean;
}

/** `admin` satisfies every role check. */
export function hasAnyRole(principal: Pick<Principal, 'roles'>, required: readonly string[]): boolean {
  return principal.roles.includes('admin') || required.some((role) => principal.roles.includes(role));
}

declare global {
  namespace Express {
    // passport types `req.user` as Express.User; ours is always a Principal.
    interface User extends Principal {}
  }
}
