export { InvalidFormError, LoginFailedError, EmailNotConfirmedError } from './accounts/account-errors.js';
export { AccountsService } from './accounts/accounts.service.js';
export {
  AccountAdminService,
  type ConfirmationOutcome,
  type InviteOutcome,
  type NewMember,
  type ProfileOutcome,
} from './accounts/account-admin.service.js';
export { Public, Roles } from './access/access.decorators.js';
export { AccessGuard } from './access/access.guard.js';
export { safeNextPath } from './access/safe-redirect.js';
export { SessionPrincipalMiddleware } from './access/session-principal.middleware.js';
export { ApiKeysService } from './api-keys/api-keys.service.js';
export { AccountsCoreModule, AuthModule } from './auth.module.js';
export { AUTH_ENTITIES } from './entities.js';
export { LocalLoginGuard } from './login/local.strategy.js';
export { TooManyAttemptsError } from './login/login-throttle.js';
export { type AuthenticatedUser, LoginService } from './login/login.service.js';
export { PasswordHasher } from './passwords/password-hasher.js';
export { HashQueueFullError } from './passwords/password-hasher.js';
export { passwordProblem } from './passwords/password-policy.js';
export { FormRateLimit, type RateLimitedAction, TooManyRequestsError } from './rate-limit/form-rate-limit.js';
export { FormRateLimitGuard, RateLimited } from './rate-limit/rate-limited.decorator.js';
export { AccountSeeder } from './seed/account-seeder.js';
export { PendingLoginCookie } from './second-factor/pending-login-cookie.js';
/** For tests that forge or expire pending sign-ins. */
export { signPendingLogin } from './second-factor/pending-login.js';
export { PendingLoginExpiredError, SecondFactorRequiredError } from './second-factor/second-factor-errors.js';
export { type SecondFactorOverview, SecondFactorService } from './second-factor/second-factor.service.js';
export { OneTimeTokensService } from './tokens/one-time-tokens.service.js';
export { type DirectoryUser, UserDirectory } from './users/user-directory.js';
export { RolesRepository } from './users/roles.repository.js';
export { UsersRepository } from './users/users.repository.js';
