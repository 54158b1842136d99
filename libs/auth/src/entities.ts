import { ApiKey } from './api-keys/api-key.entity.js';
import { OneTimeToken } from './tokens/one-time-token.entity.js';
import { Role } from './users/role.entity.js';
import { UserRole } from './users/user-role.entity.js';
import { User } from './users/user.entity.js';

export const AUTH_ENTITIES = [User, Role, UserRole, ApiKey, OneTimeToken];
