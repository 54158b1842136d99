import { HttpStatus } from '@nestjs/common';
import { AppError } from '@app/errors';

/** Form input we refuse, field by field; pages show each message beside its field. */
export class InvalidFormError extends AppError {
  constructor(readonly fields: Record<string, string>) {
    super('invalid_form', HttpStatus.UNPROCESSABLE_ENTITY, 'Please correct the highlighted fields.', { fields });
  }
}

/** The same answer whether the address is unknown, the password wrong or the account disabled. */
export class LoginFailedError extends AppError {
  constructor() {
    super('invalid_credentials', HttpStatus.UNAUTHORIZED, 'Invalid email or password.');
  }
}

/** Only said to someone who knows the password, so it reveals nothing to a guesser. */
export class EmailNotConfirmedError extends AppError {
  constructor() {
    super('email_not_confirmed', HttpStatus.FORBIDDEN, 'Please confirm your email address first: use the link we sent you.');
  }
}
