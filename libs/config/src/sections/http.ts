import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
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

  /** Unset outside production: `http://localhost:<PORT>`. */
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  APP_BASE_URL?: string;

  @Transform(toInt)
  @Min(0)
  @Max(10)
  @IsInt()
  TRUST_PROXY_HOPS: number;

  @Transform(toInt)
  @Min(0)
  @Max(60000)
  @IsInt()
  HTTP_DRAIN_MS: number;
}

export interface HttpConfig {
  readonly host: string;
  readonly port: number;
  /** Public origin used for links in mails and redirects; never derived from the Host header. */
  readonly baseUrl: string;
  /**
   * Development and test only: requests whose Origin is this port on a loopback name
   * (`localhost`, `127.0.0.1`, `[::1]`) count as same-origin too, whatever APP_BASE_URL says, so
   * opening the address the log prints never ends in a 403. Production compares exactly.
   */
  readonly acceptLoopbackOrigins: boolean;
  /** How many reverse proxies in front of us may set X-Forwarded-For (Express `trust proxy`). */
  readonly trustProxyHops: number;
  /**
   * After SIGTERM, how long the api keeps serving with readiness at 503 (and `Connection: close`
   * on every response) before its listener closes, so a load balancer stops sending it requests first.
   */
  readonly drainMs: number;
}

type Env = HttpVariables & NodeEnvVariables;

// No drain locally: Ctrl-C stops at once. Production waits for the load balancer to notice.
const LOCAL: Defaults<HttpVariables> = { HOST: '127.0.0.1', PORT: '3000', TRUST_PROXY_HOPS: '0', HTTP_DRAIN_MS: '0' };

function check(env: Env): string[] {
  if (!isProduction(env)) {
    return [];
  }
  if (!env.APP_BASE_URL) {
    return ['APP_BASE_URL is required'];
  }
  // The production session cookie is Secure (`__Host-sid`): browsers only accept and send it over https.
  return env.APP_BASE_URL.startsWith('https://') ? [] : ['APP_BASE_URL must use https:// in production'];
}

export const http = defineSection({
  schema: HttpVariables,
  defaults: {
    development: LOCAL,
    test: LOCAL,
    production: { HOST: '0.0.0.0', PORT: '3000', TRUST_PROXY_HOPS: '0', HTTP_DRAIN_MS: '5000' },
  },
  check,
  build: (env: Env): HttpConfig => ({
    host: env.HOST,
    port: env.PORT,
    // Set whenever the checks passed in production; elsewhere it follows PORT.
    baseUrl: (env.APP_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    acceptLoopbackOrigins: !isProduction(env),
    trustProxyHops: env.TRUST_PROXY_HOPS,
    drainMs: env.HTTP_DRAIN_MS,
  }),
});
