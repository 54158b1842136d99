import { ApiKey } from './api-keys/api-key.entity.js';
import { RecoveryCode } from './second-factor/recovery-code.entity.js';
import { OneTimeToken } from './tokens/one-time-token.entity.js';
import { Role } from './users/role.entity.js';
import { UserRole } from './users/user-role.entity.js';
import { User } from './users/user.entity.js';

export const AUTH_ENTITIES = [User, Role, UserRole, ApiKey, OneTimeToken, RecoveryCode];
