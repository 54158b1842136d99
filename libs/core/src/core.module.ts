import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, type AppConfigOptions } from '@app/config';
import { DatabaseModule } from '@app/database';
import { LoggingModule } from '@app/logging';

/**
 * The composition list both apps share (architecture rule 8): configuration, logging and the
 * database. The api adds HTTP concerns on top; the worker adds processors.
 */
@Module({})
export class CoreModule {
  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    return {
      module: CoreModule,
      imports: [AppConfigModule.forRoot(options), LoggingModule, DatabaseModule],
      exports: [LoggingModule, DatabaseModule],
    };
  }
}
