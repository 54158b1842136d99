export { HealthModule, type HealthModuleOptions } from './health.module.js';
export { READINESS_CHECKS, READINESS_TIMEOUT_MS, type ReadinessCheck } from './readiness.js';
