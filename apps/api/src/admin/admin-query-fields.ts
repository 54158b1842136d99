import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/** A user id, or an outbox row's id. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `?page=` of an admin list: optional, a whole number from 1 to 100000. Checked by the global
 * ValidationPipe, whose 400 names the field.
 */
export const PageField = () =>
  applyDecorators(IsOptional(), Type(() => Number), IsInt({ message: 'page must be a whole number' }), Min(1), Max(100000));

/** An optional filter that takes one of `values`; the 400 names the field and lists them. */
export const OneOfField = (field: string, values: readonly string[]) =>
  applyDecorators(IsOptional(), IsIn(values, { message: `${field} must be one of ${values.join(', ')}` }));
