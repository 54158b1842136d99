import { type DynamicModule, Module } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AppConfigModule, type AppConfigOptions } from '@app/config';
import { DatabaseModule } from '@app/database';
import { LoggingModule } from '@app/logging';
import { RedisModule } from '@app/redis';

/**
 * The composition list both apps share (architecture rule 8): configuration, logging, the
 * database and Redis (when configured). The api adds HTTP concerns on top; the worker adds processors.
 */
@Module({})
export class CoreModule {
  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    return {
      module: CoreModule,
      imports: [AppConfigModule.forRoot(options), EventEmitterModule.forRoot(), LoggingModule, DatabaseModule, RedisModule],
      exports: [LoggingModule, DatabaseModule, RedisModule],
    };
  }
}
