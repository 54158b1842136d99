import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfigOptions } from '@app/config';
import { CoreModule } from '@app/core';
import { HealthModule } from '@app/health';
import { MailProcessorsModule } from '@app/mail';
import { MetricsModule } from '@app/metrics';
import { QUEUE_READINESS, QueueModule, QueueWorkerModule } from '@app/queue';
import { TerminusModule } from '@nestjs/terminus';
import { AuditModule } from '@app/audit';
import { AccountsCoreModule } from '@app/auth';
import { SessionStoreModule } from '@app/session';
import { ForgotPasswordProcessor } from './processors/forgot-password.processor.js';
import { AuditPruneProcessor } from './processors/audit-prune.processor.js';
import { SessionReapProcessor } from './processors/session-reap.processor.js';
import { TokenPurgeProcessor } from './processors/token-purge.processor.js';
import { WorkerHealth } from './worker-health.js';
import { WorkerLifecycle } from './worker-lifecycle.js';

/**
 * Composition root of the worker: the shared core, the queue's consumer side and every job
 * processor (mail's from libs/mail, housekeeping ones from ./processors); no HTTP besides the
 * optional readiness listener.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        CoreModule.forRoot(options),
        HealthModule.forRoot({ imports: [QueueModule], extraChecks: [QUEUE_READINESS] }),
        TerminusModule,
        QueueWorkerModule,
        MetricsModule,
        MailProcessorsModule,
        AccountsCoreModule,
        SessionStoreModule,
        AuditModule,
      ],
      providers: [WorkerLifecycle, WorkerHealth, AuditPruneProcessor, SessionReapProcessor, TokenPurgeProcessor, ForgotPasswordProcessor],
    };
  }
}
