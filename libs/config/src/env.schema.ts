import { app } from './sections/app.js';
import { auth } from './sections/auth.js';
import { cache } from './sections/cache.js';
import { configSources } from './sections/config-sources.js';
import { database } from './sections/database.js';
import { http } from './sections/http.js';
import { ldap } from './sections/ldap.js';
import { logging } from './sections/logging.js';
import { mail } from './sections/mail.js';
import { memory } from './sections/memory.js';
import { metrics } from './sections/metrics.js';
import { nodeEnv } from './sections/node-env.js';
import { queue } from './sections/queue.js';
import { redis } from './sections/redis.js';
import { session } from './sections/session.js';
import { worker } from './sections/worker.js';

/**
 * One file per concern under `sections/`, each holding its variables' schema, defaults, checks
 * and mapping. The order here is the order their problems are listed in.
 */
export const SECTIONS = [nodeEnv, app, http, database, redis, session, cache, auth, ldap, queue, worker, mail, metrics, memory, logging, configSources] as const;

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every variable the apps read, typed: all sections' schemas together. `.env.example` documents each one. */
export type EnvironmentVariables = UnionToIntersection<InstanceType<(typeof SECTIONS)[number]['schema']>>;
