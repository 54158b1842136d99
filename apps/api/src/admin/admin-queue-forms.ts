import { OUTBOX_STATUSES, type OutboxStatus } from '@app/mail';
import { JOB_STATES, type JobState } from '@app/queue';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

/** Job ids: ours (`mail-<uuid>`, `forgot-password-...`), BullMQ's counters and scheduler ids. Anything else names no job. */
export const JOB_ID = /^[\w:.-]{1,200}$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `GET /admin/queues/:queue?state=&page=`: checked by the global ValidationPipe (400 naming the field). */
export class JobListQuery {
  @IsOptional()
  @IsIn(JOB_STATES, { message: `state must be one of ${JOB_STATES.join(', ')}` })
  state?: JobState;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number' })
  @Min(1)
  @Max(100000)
  page?: number;
}

/** `GET /admin/mail?status=&page=`. */
export class OutboxQuery {
  @IsOptional()
  @IsIn(OUTBOX_STATUSES, { message: `status must be one of ${OUTBOX_STATUSES.join(', ')}` })
  status?: OutboxStatus;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number' })
  @Min(1)
  @Max(100000)
  page?: number;
}
