import type { HealthIndicatorFunction } from '@nestjs/terminus';

/**
 * A dependency the app cannot serve without. Libraries that own a connection (database, Redis)
 * provide one of these under `READINESS_CHECK`; the readiness endpoint runs them all.
 */
export interface ReadinessCheck {
  readonly name: string;
  check: HealthIndicatorFunction;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');

/** Long enough for a healthy round trip on a busy machine, short enough for an orchestrator. */
export const READINESS_TIMEOUT_MS = 1500;
