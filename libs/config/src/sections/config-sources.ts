import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { toInt } from './parse.js';
import { defineSection, type Defaults } from './section.js';

/**
 * Where configuration comes from besides the environment and `.env` (see config-layers.ts for
 * the order). The loader reads these before anything is validated; they are declared here so that
 * they are documented, typed and checked like every other variable.
 */
export class ConfigSourceVariables {
  /** A settings file (`.env` syntax, or JSON) below `.env` and above the built-in defaults. */
  @IsOptional()
  @IsString()
  APP_SETTINGS?: string;

  /** A JSON secret whose keys are variable names, above `.env`, below the process environment. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9/_+=.@:-]{1,2048}$/, { message: 'must be a secret name or ARN' })
  AWS_SECRETS_MANAGER_SECRET_ID?: string;

  /** Unset: taken from the secret's ARN, else the AWS SDK's own lookup (profile). */
  @IsOptional()
  @Matches(/^[a-z]{2}(-[a-z]+)+-\d+$/, { message: 'must be an AWS region such as eu-west-1' })
  AWS_REGION?: string;

  /** The AWS SDK's own override of the service URL (tests point it at a local fake). */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http:// or https:// URL' })
  AWS_ENDPOINT_URL_SECRETS_MANAGER?: string;

  /** The fetch at boot, retries included: past it the app refuses to start rather than wait. */
  @Transform(toInt)
  @Min(100)
  @Max(120000)
  @IsInt()
  AWS_SECRETS_MANAGER_TIMEOUT_MS: number;
}

export interface ConfigSourcesConfig {
  /** The APP_SETTINGS file, as given. */
  readonly settingsFile: string | undefined;
  readonly secretsManager: { readonly secretId: string; readonly region?: string; readonly endpoint?: string; readonly timeoutMs: number } | undefined;
}

const ALL: Defaults<ConfigSourceVariables> = { AWS_SECRETS_MANAGER_TIMEOUT_MS: '5000' };

export const configSources = defineSection({
  schema: ConfigSourceVariables,
  defaults: { development: ALL, test: ALL, production: ALL },
  build: (env: ConfigSourceVariables): ConfigSourcesConfig => {
    const { AWS_SECRETS_MANAGER_SECRET_ID: secretId, AWS_REGION: region, AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint } = env;
    const timeoutMs = env.AWS_SECRETS_MANAGER_TIMEOUT_MS;
    return { settingsFile: env.APP_SETTINGS, secretsManager: secretId ? { secretId, region, endpoint, timeoutMs } : undefined };
  },
});
