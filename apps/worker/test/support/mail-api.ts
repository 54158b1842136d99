import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import type { AppConfigOptions } from '@app/config';
import { CoreModule } from '@app/core';
import { ErrorsModule } from '@app/errors';
import { SessionMiddleware, SessionModule } from '@app/session';
import { configureHttp } from '../../../api/src/http-setup.js';
import { SessionProbeModule } from '../../../api/test/support/session-probe.js';
import { MailProbeModule } from './mail-probe.js';

/**
 * The api's HTTP stack (shared core with queue and mail, the one error filter, sessions) plus
 * probe routes that send mail and fail on purpose, without the accounts layer, whose access
 * guard and CSRF check would rightly refuse made-up probe requests.
 */
@Module({})
class MailApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SessionMiddleware).exclude('health', 'health/{*path}').forRoutes('{*path}');
  }

  static forRoot(options: AppConfigOptions): DynamicModule {
    return {
      module: MailApiModule,
      imports: [CoreModule.forRoot(options), ErrorsModule, SessionModule, SessionProbeModule, MailProbeModule],
    };
  }
}

export async function startMailApi(env: Record<string, string | undefined>): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [MailApiModule.forRoot({ env })] }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
  configureHttp(app);
  await app.init();
  return app;
}
