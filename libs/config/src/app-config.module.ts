import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig, toAppConfig } from './app-config.js';
import { validateEnv } from './validate-env.js';

export interface AppConfigOptions {
  /**
   * A complete environment to use instead of `process.env` and `.env` (tests pass one per test
   * file so that parallel files never share a database or a key prefix).
   */
  env?: Record<string, string | undefined>;
}

@Module({})
export class AppConfigModule {
  static forRoot(options: AppConfigOptions = {}): DynamicModule {
    const hermetic = options.env !== undefined;
    let built: AppConfig | undefined;
    const nestConfig = ConfigModule.forRoot({
      // Every entry point has already merged the configuration layers (settings file, `.env`,
      // secret files, AWS Secrets Manager) into the environment with prepareEnvironment(), which
      // only fills what the real environment leaves unset; reading `.env` again would be waste.
      ignoreEnvFile: true,
      ignoreEnvVars: hermetic,
      skipProcessEnv: hermetic,
      validate: (raw) => {
        const env = validateEnv({ ...raw, ...options.env });
        built = toAppConfig(env);
        return env;
      },
    });
    // forRoot validates eagerly and Nest awaits the promise only later; mark it handled so a bad
    // config rejects NestFactory.create (and prints one message) instead of crashing the process
    // as an unhandled rejection first.
    nestConfig.catch(() => undefined);
    return {
      module: AppConfigModule,
      global: true,
      imports: [nestConfig],
      providers: [{ provide: AppConfig, useFactory: () => built }],
      exports: [AppConfig],
    };
  }
}
