import { Injectable } from '@nestjs/common';
import { AuditLog, type AuditRecord } from '@app/audit';
import { AppConfig } from '@app/config';
import { InvalidFormError } from '../accounts/account-errors.js';
import { CurrentPassword } from '../passwords/current-password.js';
import { UsersRepository } from '../users/users.repository.js';
import { type PendingLogin } from './pending-login.js';
import { newRecoveryCodes, recoveryCodeDigest, recoveryCodeOf } from './recovery-codes.js';
import { PendingLoginExpiredError } from './second-factor-errors.js';
import { SecondFactorRepository, type SecondFactorState } from './second-factor.repository.js';
import { SecondFactorThrottle } from './second-factor-throttle.js';
import { openSecret, sealSecret } from './secret-box.js';
import { matchTotp, newTotpSecret, totpCodeOf, totpUri } from './totp.js';

/** What the account page shows. */
export type SecondFactorOverview =
  | { enabled: true; recoveryCodesLeft: number }
  /** An enrolment in progress: the secret to type in, and the URI its QR code encodes. */
  | { enabled: false; secret: string; uri: string };

const WRONG_CODE = 'That code is not right, or it was used already. Enter the current code from your app.';
const WRONG_PASSWORD = 'This is not your current password.';

/**
 * The second factor (TOTP, RFC 6238) with recovery codes: enrolment, the code step of a sign-in,
 * recovery codes, turning it off, and an admin's reset. Every code check is throttled before it
 * runs and accepts a code once (the last accepted time step is stored per user).
 */
@Injectable()
export class SecondFactorService {
  private readonly keys: readonly Buffer[];
  private readonly issuer: string;

  constructor(
    private readonly repo: SecondFactorRepository,
    private readonly throttle: SecondFactorThrottle,
    private readonly users: UsersRepository,
    private readonly currentPassword: CurrentPassword,
    private readonly audit: AuditLog,
    config: AppConfig,
  ) {
    this.keys = config.auth.totpKeys;
    this.issuer = config.app.name;
  }

  /**
   * The second factor's state for the account page. While it is off, the enrolment secret is
   * created on the first view and kept (sealed) on the user's row with no enabled date, so later
   * views read it and write nothing. Kept there rather than in the session: the session store
   * would hold it in plain text and be written for it, and the row is where it ends up anyway.
   */
  async overview(userId: string): Promise<SecondFactorOverview> {
    const state = await this.found(userId);
    if (state.enabledAt) {
      return { enabled: true, recoveryCodesLeft: state.recoveryCodesLeft };
    }
    const opened = state.sealedSecret ? openSecret(state.sealedSecret, userId, this.keys) : null;
    const secret = opened?.plain ?? (await this.startEnrolment(userId));
    return { enabled: false, secret, uri: totpUri(secret, this.issuer, state.email) };
  }

  /** A new enrolment secret (the old QR code stops working); nothing changes once it is on. */
  async startEnrolment(userId: string): Promise<string> {
    const secret = newTotpSecret();
    await this.repo.setPendingSecret(userId, sealSecret(secret, userId, this.keys));
    return secret;
  }

  /** Turns it on with the first code from the app; returns the recovery codes, to be shown once. */
  async confirmEnrolment(userId: string, input: unknown, ip: string | undefined): Promise<string[]> {
    const state = await this.found(userId);
    const code = totpCodeOf(input);
    if (state.enabledAt || !state.sealedSecret || !code) {
      throw new InvalidFormError({ code: state.enabledAt ? 'The second factor is on already.' : 'Enter the 6-digit code from your app.' });
    }
    const secret = this.open(state);
    const attempt = await this.throttle.reserve(userId, ip);
    const step = matchTotp(secret.plain, code, Date.now(), null);
    const codes = newRecoveryCodes();
    const digests = codes.map((c) => recoveryCodeDigest(recoveryCodeOf(c)!));
    const sealed = state.sealedSecret;
    const enabled =
      step !== null &&
      (await this.settle(
        attempt,
        this.audit.recordChange(
          (manager) => this.repo.enable(manager, userId, sealed, step, digests),
          (done) => (done ? event('account.second-factor-enabled', userId) : null),
        ),
      ));
    if (!enabled) {
      throw new InvalidFormError({ code: WRONG_CODE });
    }
    return codes;
  }

  /**
   * The code step of a sign-in: the pending login must still match the account (same auth
   * epoch, active, second factor on), then a TOTP code or a recovery code must be right.
   * Returns the user to sign in; InvalidFormError for a wrong code, PendingLoginExpiredError when
   * the account moved on, TooManyAttemptsError when throttled.
   */
  async completeSignIn(pending: PendingLogin, input: unknown, ip: string | undefined): Promise<{ id: string; authEpoch: number }> {
    const state = await this.repo.state(pending.userId);
    if (!state?.active || !state.enabledAt || state.authEpoch !== pending.authEpoch) {
      throw new PendingLoginExpiredError();
    }
    if (!(await this.checkCode(state, input, ip))) {
      await this.audit.record(failedSignIn(state.userId));
      throw new InvalidFormError({ code: WRONG_CODE });
    }
    await this.audit.signIn({ id: state.userId }, { secondFactor: true });
    return { id: state.userId, authEpoch: state.authEpoch };
  }

  /** For `POST /api/credentials`: whether `input` is a good code (TOTP or recovery) for the user; throttled. */
  async verifyCode(userId: string, input: unknown, ip: string | undefined): Promise<boolean> {
    const state = await this.found(userId);
    const accepted = state.enabledAt !== null && (await this.checkCode(state, input, ip));
    await (accepted ? this.audit.signIn({ id: userId }, { secondFactor: true }) : this.audit.record(failedSignIn(userId)));
    return accepted;
  }

  /** Ten new recovery codes (the old ones stop working); needs the password. */
  async regenerateRecoveryCodes(userId: string, password: unknown): Promise<string[]> {
    await this.checkPassword(userId, password);
    const codes = newRecoveryCodes();
    if (!(await this.repo.replaceRecoveryCodes(userId, codes.map((c) => recoveryCodeDigest(recoveryCodeOf(c)!))))) {
      throw new InvalidFormError({ password: 'The second factor is off: there are no recovery codes to replace.' });
    }
    return codes;
  }

  /** Turns it off: needs the password and a code (TOTP or recovery), so a stolen session alone cannot. */
  async disable(userId: string, password: unknown, code: unknown, ip: string | undefined): Promise<void> {
    await this.checkPassword(userId, password);
    const state = await this.found(userId);
    if (!state.enabledAt) {
      return;
    }
    if (!(await this.checkCode(state, code, ip))) {
      throw new InvalidFormError({ code: WRONG_CODE });
    }
    await this.remove(userId, {});
  }

  /** An admin's reset (a lost phone and lost codes): null for an unknown user, else whether it was on. */
  reset(userId: string): Promise<boolean | null> {
    return this.remove(userId, { resetByAdmin: true });
  }

  /** Off, and the audit row in the same transaction (only when it was on). */
  private remove(userId: string, details: AuditRecord['details']): Promise<boolean | null> {
    return this.audit.recordChange(
      (manager) => this.repo.remove(manager, userId),
      (wasOn) => (wasOn ? { ...event('account.second-factor-disabled', userId), details } : null),
    );
  }

  /**
   * One code check, counted on the throttle before it runs. Input that cannot be a code (not 6
   * digits nor a recovery code's shape) is refused without counting: it is not a guess.
   */
  private async checkCode(state: SecondFactorState, input: unknown, ip: string | undefined): Promise<boolean> {
    const totp = totpCodeOf(input);
    const recovery = totp ? null : recoveryCodeOf(input);
    if (!totp && !recovery) {
      return false;
    }
    const secret = totp ? this.open(state) : null;
    const attempt = await this.throttle.reserve(state.userId, ip);
    if (!secret) {
      return this.settle(attempt, this.repo.useRecoveryCode(state.userId, recoveryCodeDigest(recovery!)));
    }
    const step = matchTotp(secret.plain, totp!, Date.now(), state.lastStep);
    const resealed = secret.stale ? sealSecret(secret.plain, state.userId, this.keys) : null;
    return step !== null && this.settle(attempt, this.repo.acceptStep(state.userId, step, resealed));
  }

  /** Hands the throttle's reservation back on success, and when the check itself failed (a 503 is not a guess). */
  private async settle(attempt: Awaited<ReturnType<SecondFactorThrottle['reserve']>>, check: Promise<boolean>): Promise<boolean> {
    let ok: boolean;
    try {
      ok = await check;
    } catch (error) {
      this.throttle.abandoned(attempt);
      throw error;
    }
    if (ok) {
      this.throttle.succeeded(attempt);
    }
    return ok;
  }

  private open(state: SecondFactorState) {
    const opened = state.sealedSecret ? openSecret(state.sealedSecret, state.userId, this.keys) : null;
    if (!opened) {
      // The configured keys do not open it: AUTH_TOTP_ENCRYPTION_KEY lost its old entry. An
      // admin's reset lets the user enrol again; guessing must not be the way out.
      throw new Error(`the second factor of user ${state.userId} does not open with AUTH_TOTP_ENCRYPTION_KEY`);
    }
    return opened;
  }

  private async checkPassword(userId: string, password: unknown): Promise<void> {
    const user = typeof password === 'string' && password.length > 0 ? await this.users.findWithSecretById(userId) : null;
    // An LDAP account answers with its directory password (CurrentPassword).
    if (!user || !(await this.currentPassword.matches(user, password as string))) {
      throw new InvalidFormError({ password: WRONG_PASSWORD });
    }
  }

  private async found(userId: string): Promise<SecondFactorState> {
    const state = await this.repo.state(userId);
    if (!state) {
      throw new PendingLoginExpiredError(); // the account is gone under a live session: sign in again
    }
    return state;
  }
}

/**
 * A sign-in with a second factor is recorded at its code (LoginService records none after the
 * password of such an account: the sign-in is not done yet); a good code goes through
 * `AuditLog.signIn`, which also sets the last sign-in time. The actor is known either way.
 */
function failedSignIn(userId: string): AuditRecord {
  return { action: 'auth.sign-in-failed', actor: { id: userId }, target: { type: 'user', id: userId }, details: { secondFactor: true } };
}

/** The audit event of a change to a user's second factor (the actor: the request's signed-in user). */
function event(action: 'account.second-factor-enabled' | 'account.second-factor-disabled', userId: string): AuditRecord {
  return { action, target: { type: 'user', id: userId } };
}
