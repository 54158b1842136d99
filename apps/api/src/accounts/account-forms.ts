import { applyDecorators } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, IsEmail, IsString, Matches, MaxLength, MinLength, validateSync } from 'class-validator';

/*
 * Form bodies are validated here, not by the global ValidationPipe: a bad form is shown again
 * with a message beside each field (422), not answered with an error page, and the CSRF field
 * rides along without being an "unknown property".
 */

/**
 * An address field: the same rules and messages wherever a form asks for one. Listed in the order
 * they are checked (with stopAtFirstError the first failing rule gives the message).
 */
export const EmailField = () =>
  applyDecorators(
    IsEmail({}, { message: 'Enter a valid email address.' }),
    // IsEmail accepts quoted local parts (`"a b"@example.org`), which the mailer (MailService's
    // single-address rule) refuses: that was a 500 after the account row was written.
    Matches(MAILABLE_ADDRESS, { message: 'Enter a valid email address.' }),
    MaxLength(254, { message: 'Use at most 254 characters.' }),
  );

/** What MailService will send to: no quotes, spaces, backslashes or address-list punctuation. */
const MAILABLE_ADDRESS = /^[^\s@,;:<>()[\]"\\]+@[^\s@,;:<>()[\]"\\]+$/;

const NameField = (missing: string) =>
  applyDecorators(IsString({ message: missing }), MaxLength(100, { message: 'Use at most 100 characters.' }));

export class EmailForm {
  @EmailField()
  email: string;
}

export class NamesForm {
  @NameField('Enter your first name.')
  firstName: string = '';

  @NameField('Enter your last name.')
  lastName: string = '';
}

export class RegisterForm extends NamesForm {
  @EmailField()
  email: string;

  @IsString({ message: 'Enter a password.' })
  password: string;
}

export class EmailChangeForm extends EmailForm {
  @IsString({ message: 'Enter your current password.' })
  @MinLength(1, { message: 'Enter your current password.' })
  password: string;
}

export class PasswordChangeForm {
  @IsString({ message: 'Enter your current password.' })
  @MinLength(1, { message: 'Enter your current password.' })
  currentPassword: string;

  @IsString({ message: 'Enter a new password.' })
  newPassword: string;
}

export class ResetPasswordForm {
  @IsString()
  token: string;

  @IsString({ message: 'Enter a new password.' })
  password: string;
}

export class PasswordConfirmForm {
  @IsString({ message: 'Enter your password.' })
  @MinLength(1, { message: 'Enter your password.' })
  password: string;
}

export class ApiKeyForm {
  @MaxLength(100, { message: 'Use at most 100 characters.' })
  @MinLength(1, { message: 'Give the key a label.' })
  @IsString({ message: 'Give the key a label.' })
  label: string;

  @IsString({ message: 'Enter your current password.' })
  @MinLength(1, { message: 'Enter your current password.' })
  password: string;
}

export type FieldErrors = Record<string, string>;

/**
 * Reads a form body into its class: only the declared fields, strings trimmed (passwords kept
 * as typed), one message per failing field. `values` is what to show again in the form.
 */
export function readForm<T extends object>(
  form: new () => T,
  body: unknown,
): { ok: true; value: T } | { ok: false; values: Partial<T>; errors: FieldErrors } {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const plain: Record<string, unknown> = {};
  for (const key of declaredFields(form)) {
    const raw = source[key];
    if (raw === undefined) {
      continue; // the class's default applies (optional fields)
    }
    plain[key] = typeof raw === 'string' && !/password/i.test(key) ? raw.trim() : raw;
  }
  const instance = plainToInstance(form, plain);
  const problems = validateSync(instance, { stopAtFirstError: true });
  if (problems.length === 0) {
    return { ok: true, value: instance };
  }
  const errors: FieldErrors = {};
  for (const problem of problems) {
    errors[problem.property] = Object.values(problem.constraints ?? {})[0] ?? 'This value is not valid.';
  }
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(plain)) {
    if (typeof value === 'string' && !/password/i.test(key)) {
      values[key] = value;
    }
  }
  return { ok: false, values: values as Partial<T>, errors };
}

const fieldsByForm = new WeakMap<object, string[]>();

/** The properties class-validator knows about for a form class (declared with decorators), looked up once per class. */
function declaredFields(form: new () => object): string[] {
  let fields = fieldsByForm.get(form);
  if (!fields) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(form, '', true, false);
    fields = [...new Set(metadata.map((m) => m.propertyName))];
    fieldsByForm.set(form, fields);
  }
  return fields;
}
