import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';

/** Opts a route or controller out of authentication (everything else requires it). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Requires at least one of the roles; `admin` satisfies every check. Implies authentication. */
export const Roles = (...roles: string[]) => SetMetadata(REQUIRED_ROLES, roles);
