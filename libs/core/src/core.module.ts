import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, type AppConfigOptions } from '@app/config';
import { DatabaseModule } from '@app/database';
import { LoggingModule } from '@app/logging';
import { MailModule } from '@app/mail';
import { QueueModule } from '@app/queue';
import { RedisModule } from '@app/redis';
import { ENTITIES } from './entities.js';

/**
 * The composition list both apps share: configuration, logging, the
 * database, Redis (when configured), the job queue (producer side) and mail (MailService, the
 * error reporter). The api adds HTTP concerns on top; the worker adds processors.
 */
@Module({})
export class CoreModule {
  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        AppConfigModule.forRoot(options),
        LoggingModule,
        DatabaseModule.forRoot(ENTITIES),
        RedisModule,
        QueueModule,
        MailModule,
      ],
      exports: [LoggingModule, DatabaseModule, RedisModule],
    };
  }
}
