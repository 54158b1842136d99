import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@app/audit';
import { CacheModule } from '@app/cache';
import { MailModule } from '@app/mail';
import { QueueModule } from '@app/queue';
import { RedisModule } from '@app/redis';
import { SessionStoreModule } from '@app/session';
import { AccountAdminService } from './accounts/account-admin.service.js';
import { AccountLinks } from './accounts/account-links.js';
import { AccountMessages } from './accounts/account-messages.js';
import { AccountsService } from './accounts/accounts.service.js';
import { SessionRevocations } from './accounts/session-revocations.js';
import { AccessGuard } from './access/access.guard.js';
import { SessionPrincipalMiddleware } from './access/session-principal.middleware.js';
import { ApiKeysRepository } from './api-keys/api-keys.repository.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { AUTH_ENTITIES } from './entities.js';
import { LdapAccounts } from './ldap/ldap-accounts.js';
import { LdapDirectory, LdaptsDirectory } from './ldap/ldap-directory.js';
import { LocalStrategy } from './login/local.strategy.js';
import { LoginThrottle } from './login/login-throttle.js';
import { LoginService } from './login/login.service.js';
import { CurrentPassword } from './passwords/current-password.js';
import { Argon2PasswordHasher, PasswordHasher } from './passwords/password-hasher.js';
import { FormRateLimit } from './rate-limit/form-rate-limit.js';
import { FormRateLimitGuard } from './rate-limit/rate-limited.decorator.js';
import { PendingLoginCookie } from './second-factor/pending-login-cookie.js';
import { SecondFactorRepository } from './second-factor/second-factor.repository.js';
import { SecondFactorThrottle } from './second-factor/second-factor-throttle.js';
import { SecondFactorService } from './second-factor/second-factor.service.js';
import { OneTimeTokensRepository } from './tokens/one-time-tokens.repository.js';
import { OneTimeTokensService } from './tokens/one-time-tokens.service.js';
import { AuthStateCache } from './users/auth-state-cache.js';
import { RolesRepository } from './users/roles.repository.js';
import { UserDirectory } from './users/user-directory.js';
import { UserRemovalRepository } from './users/user-removal.repository.js';
import { UsersRepository } from './users/users.repository.js';

/** Accounts without HTTP: users, passwords, tokens, API keys, login. Used by the api and the CLI. */
@Module({
  imports: [TypeOrmModule.forFeature(AUTH_ENTITIES), MailModule, QueueModule, RedisModule, SessionStoreModule, AuditModule, CacheModule],
  providers: [
    UsersRepository,
    RolesRepository,
    AuthStateCache,
    UserDirectory,
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
    OneTimeTokensRepository,
    OneTimeTokensService,
    ApiKeysRepository,
    ApiKeysService,
    AccountLinks,
    AccountMessages,
    AccountsService,
    SessionRevocations,
    UserRemovalRepository,
    AccountAdminService,
    LoginThrottle,
    { provide: LdapDirectory, useClass: LdaptsDirectory },
    LdapAccounts,
    CurrentPassword,
    LoginService,
    FormRateLimit,
    FormRateLimitGuard,
    SecondFactorRepository,
    SecondFactorThrottle,
    SecondFactorService,
    PendingLoginCookie,
  ],
  exports: [
    UsersRepository,
    RolesRepository,
    AuthStateCache,
    UserDirectory,
    PasswordHasher,
    OneTimeTokensService,
    ApiKeysService,
    AccountsService,
    AccountAdminService,
    LoginService,
    FormRateLimit,
    FormRateLimitGuard,
    SecondFactorService,
    PendingLoginCookie,
  ],
})
export class AccountsCoreModule {}

/**
 * What the HTTP app adds: passport's local strategy, the global access and CSRF guards, and
 * the middleware that resolves a session's user. The api mounts SessionPrincipalMiddleware
 * right after the session middleware.
 */
@Module({
  imports: [AccountsCoreModule, PassportModule],
  providers: [
    LocalStrategy,
    SessionPrincipalMiddleware,
    { provide: APP_GUARD, useClass: AccessGuard },
    { provide: APP_GUARD, useClass: CsrfGuard },
  ],
  exports: [AccountsCoreModule, SessionPrincipalMiddleware],
})
export class AuthModule {}
