import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import { AppConfigModule, type AppConfigOptions } from '@app/config';
import { DatabaseModule } from '@app/database';
import { MailModule } from '@app/mail';
import { QueueModule } from '@app/queue';
import { RedisModule } from '@app/redis';
import { JobsFailedCommand, JobsRetryCommand, QueuePingCommand } from './commands/jobs.commands.js';
import { MailOutboxCommand, MailTestCommand } from './commands/mail.commands.js';

/** The commands this app defines itself: queue and mail operations. */
@Module({
  providers: [MailTestCommand, MailOutboxCommand, JobsFailedCommand, JobsRetryCommand, QueuePingCommand],
})
class OpsCommandsModule {}

/**
 * Where commands come from. Each entry is a module whose providers include `@Command` classes
 * (nest-commander finds them in the whole app). A lib adds its commands by exporting such a
 * module and listing it here, e.g. accounts: `AccountsCommandsModule` from '@app/auth'.
 */
export const COMMAND_MODULES: Array<Type | DynamicModule> = [OpsCommandsModule];

/**
 * The CLI's composition: the shared services without HTTP, sessions or the pino request logger
 * (a command's stdout is its output), plus the command modules.
 */
@Module({})
export class CliModule {
  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    return {
      module: CliModule,
      imports: [AppConfigModule.forRoot(options), EventEmitterModule.forRoot(), DatabaseModule, RedisModule, QueueModule, MailModule, ...COMMAND_MODULES],
    };
  }
}
