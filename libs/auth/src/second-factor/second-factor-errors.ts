import { HttpStatus } from '@nestjs/common';
import { AppError } from '@app/errors';

/**
 * The code step of a sign-in cannot go on: no pending sign-in in this browser, or it expired, or
 * the account changed since the password was checked (password changed, disabled, second factor
 * reset). The answer is the same for each: sign in again.
 */
export class PendingLoginExpiredError extends AppError {
  constructor() {
    super('sign_in_expired', HttpStatus.BAD_REQUEST, 'This sign-in has expired. Please sign in again.');
  }
}

/** `POST /api/credentials` for an account with a second factor, without a code or with a wrong one. */
export class SecondFactorRequiredError extends AppError {
  constructor(given: boolean) {
    super(
      given ? 'invalid_second_factor' : 'second_factor_required',
      HttpStatus.UNAUTHORIZED,
      given
        ? 'The code is not right, or was used already.'
        : 'This account signs in with a second factor: send the current code from the authenticator app (or a recovery code) as "code".',
    );
  }
}
