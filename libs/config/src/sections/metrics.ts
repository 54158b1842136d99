import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { HttpVariables } from './http.js';
import { toInt } from './parse.js';
import { Secret } from './secret.js';
import { defineSection } from './section.js';
import type { WorkerVariables } from './worker.js';

export class MetricsVariables {
  /** Unset: no metrics listener. Set: Prometheus text on http://HOST:METRICS_PORT/metrics. */
  @IsOptional()
  @Transform(toInt)
  @Min(1)
  @Max(65535)
  @IsInt()
  METRICS_PORT?: number;

  /** Unset: the api serves no /metrics on its public port. */
  @Secret()
  @IsOptional()
  @Matches(/^[A-Za-z0-9._~+/=-]{32,256}$/, { message: 'must be 32 to 256 characters of letters, digits and . _ ~ + / = -' })
  METRICS_TOKEN?: string;
}

export interface MetricsConfig {
  /** Separate listener for Prometheus (api and worker); undefined: none. */
  readonly port: number | undefined;
  /**
   * Bearer token: required on the metrics listener when set, and the only way `/metrics` on the
   * api's public port answers at all (404 without it, so the path is never public).
   */
  readonly token: string | undefined;
  /**
   * Served anywhere (a port or a token): only then do the per-request timers run (the HTTP
   * histogram, the session store's timing); nobody could read them otherwise.
   */
  readonly served: boolean;
}

type Env = MetricsVariables & HttpVariables & WorkerVariables;

function check(env: Env): string[] {
  const port = env.METRICS_PORT;
  if (port === undefined) {
    return [];
  }
  // PORT 0 (any free port, tests) cannot collide.
  return port === env.PORT || port === env.WORKER_HEALTH_PORT ? ['METRICS_PORT must differ from PORT and WORKER_HEALTH_PORT'] : [];
}

export const metrics = defineSection({
  schema: MetricsVariables,
  defaults: { development: {}, test: {}, production: {} },
  check,
  build: (env: Env): MetricsConfig => ({
    port: env.METRICS_PORT,
    token: env.METRICS_TOKEN,
    served: env.METRICS_PORT !== undefined || env.METRICS_TOKEN !== undefined,
  }),
});
