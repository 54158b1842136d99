import { Transform } from 'class-transformer';
import { IsInt, IsString, IsUrl, Max, Min } from 'class-validator';
import { isProduction, type NodeEnvVariables } from './node-env.js';
import { toInt } from './parse.js';
import { defineSection, type Defaults } from './section.js';

export class HttpVariables {
  @IsString()
  HOST: string;

  @Transform(toInt)
  @Min(0)
  @Max(65535)
  @IsInt()
  PORT: number;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  APP_BASE_URL: string;

  @Transform(toInt)
  @Min(0)
  @Max(10)
  @IsInt()
  TRUST_PROXY_HOPS: number;
}

export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  /** Public origin used for links in mails and redirects; never derived from the Host header. */
  readonly baseUrl: string;
  /** How many reverse proxies in front of us may set X-Forwarded-For (Express `trust proxy`). */
  readonly trustProxyHops: number;
}

type Env = HttpVariables & NodeEnvVariables;

const LOCAL: Defaults<HttpVariables> = { HOST: '127.0.0.1', PORT: '3000', APP_BASE_URL: 'http://localhost:3000', TRUST_PROXY_HOPS: '0' };

export const http = defineSection({
  schema: HttpVariables,
  defaults: {
    development: LOCAL,
    test: LOCAL,
    production: { HOST: '0.0.0.0', PORT: '3000', TRUST_PROXY_HOPS: '0' },
  },
  requiredInProduction: ['APP_BASE_URL'],
  // The production session cookie is Secure (`__Host-sid`): browsers only accept and send it over https.
  check: (env: Env) =>
    isProduction(env) && env.APP_BASE_URL && !env.APP_BASE_URL.startsWith('https://') ? ['APP_BASE_URL must use https:// in production'] : [],
  build: (env: Env): HttpConfig => ({
    host: env.HOST,
    port: env.PORT,
    baseUrl: env.APP_BASE_URL.replace(/\/+$/, ''),
    trustProxyHops: env.TRUST_PROXY_HOPS,
  }),
});
