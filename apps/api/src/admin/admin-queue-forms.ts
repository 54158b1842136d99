import { OUTBOX_STATUSES, type OutboxStatus } from '@app/mail';
import { JOB_STATES, type JobState } from '@app/queue';
import { OneOfField, PageField } from './admin-query-fields.js';

/** Job ids: ours (`mail-<uuid>`, `forgot-password-...`), BullMQ's counters and scheduler ids. Anything else names no job. */
export const JOB_ID = /^[\w:.-]{1,200}$/;

/** `GET /admin/queues/:queue?state=&page=`: checked by the global ValidationPipe (400 naming the field). */
export class JobListQuery {
  @OneOfField('state', JOB_STATES)
  state?: JobState;

  @PageField()
  page?: number;
}

/** `GET /admin/mail?status=&page=`. */
export class OutboxQuery {
  @OneOfField('status', OUTBOX_STATUSES)
  status?: OutboxStatus;

  @PageField()
  page?: number;
}
