import { HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from './app-error.js';

/** `{ field: [messages] }`, nested fields joined with dots (`address.city`). */
export function fieldErrors(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of errors) {
    const key = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      out[key] = Object.values(e.constraints);
    }
    if (e.children?.length) {
      Object.assign(out, fieldErrors(e.children, key));
    }
  }
  return out;
}

/**
 * Whitelisting strips unknown properties and `forbidNonWhitelisted` rejects them, so a typo in
 * a field name is a 400 the client can read rather than silently lost data.
 */
/** The one 400 for bad input, whether the ValidationPipe or a controller found it: `{ field: [messages] }`. */
export function validationFailed(fields: Record<string, string[]>): AppError {
  return new AppError('validation_failed', HttpStatus.BAD_REQUEST, 'Some fields are invalid.', { fields });
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => validationFailed(fieldErrors(errors)),
  });
}
