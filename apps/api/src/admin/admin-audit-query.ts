import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { AUDIT_ACTIONS, type AuditFilter } from '@app/audit';
import { PageField, UUID } from './admin-query-fields.js';

/** The form sends every field, empty ones as ""; an empty filter is no filter. */
const emptyIsAbsent = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** `2026-11-29`, or what `<input type="datetime-local">` sends (`2026-11-29T14:05`), or full ISO 8601. */
const WHEN = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
const WHEN_MESSAGE = 'must be a date (2026-11-29) or a date and time (2026-11-29T14:05), in UTC';

/** `GET /admin/audit?user=&action=&from=&to=&page=`: checked by the global ValidationPipe (400 naming the field). */
export class AuditQuery {
  @Transform(emptyIsAbsent)
  @IsOptional()
  @IsString({ message: 'user must be one piece of text' })
  @MaxLength(254)
  @Matches(/^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[^\s@]+@[^\s@]+)$/i, {
    message: 'user must be an email address or a user id',
  })
  user?: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @IsIn(AUDIT_ACTIONS, { message: 'action must be one of the listed actions' })
  action?: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @IsString()
  @Matches(WHEN, { message: `from ${WHEN_MESSAGE}` })
  from?: string;

  @Transform(emptyIsAbsent)
  @IsOptional()
  @IsString()
  @Matches(WHEN, { message: `to ${WHEN_MESSAGE}` })
  to?: string;

  @PageField()
  page?: number;
}

/** The filter for AuditLog, or the fields that hold impossible dates (Feb 30) or a range ending before it starts. */
export function auditFilterOf(query: AuditQuery): { filter: AuditFilter } | { errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const from = query.from === undefined ? undefined : instantOf(query.from, false);
  const to = query.to === undefined ? undefined : instantOf(query.to, true);
  if (from === null) {
    errors.from = [`from ${WHEN_MESSAGE}`];
  }
  if (to === null) {
    errors.to = [`to ${WHEN_MESSAGE}`];
  }
  if (from && to && to <= from) {
    errors.to = ['to must be later than from'];
  }
  if (Object.keys(errors).length > 0) {
    return { errors };
  }
  const user = query.user;
  return {
    filter: {
      userId: user !== undefined && UUID.test(user) ? user : undefined,
      email: user !== undefined && !UUID.test(user) ? user : undefined,
      action: query.action,
      from: from ?? undefined,
      to: to ?? undefined,
    },
  };
}

/**
 * A time without a zone is UTC (the page shows UTC). An upper bound covers the whole unit it
 * names: "to 2026-11-29" includes that day, "to 14:05" that minute. Null for a date that does not
 * exist (2026-02-30), which the pattern alone lets through.
 */
function instantOf(text: string, upper: boolean): Date | null {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    return null;
  }
  const dateOnly = text.length === 10;
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(text);
  const date = new Date(dateOnly ? `${text}T00:00:00Z` : zoned ? text : `${text}Z`);
  if (Number.isNaN(date.getTime())) {
    return null;
  }
  if (!upper) {
    return date;
  }
  const unitMs = dateOnly ? 86_400_000 : text.length === 16 ? 60_000 : text.length === 19 ? 1000 : 1;
  return new Date(date.getTime() + unitMs);
}
