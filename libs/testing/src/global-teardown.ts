// Type only: jest require()s this file on its own, and a runtime import of './global-setup.js'
// would not resolve outside its module system. The services travel on the global object.
import type { TestServices } from './global-setup.js';

/*
 * Jest globalTeardown, the pair of global-setup.ts: stops the private redis-server. The embedded
 * PostgreSQL test cluster keeps running on purpose (the next run attaches to it instead of
 * starting it, about a second saved); TEST_EMBEDDED_PG_STOP=1 stops it too.
 */
export default async function globalTeardown(): Promise<void> {
  const services = ((globalThis as unknown as Record<symbol, TestServices | undefined>)[Symbol.for('app.testing.services')] ??= {});
  const redis = services.redis;
  if (redis && redis.exitCode === null && redis.signalCode === null) {
    // ref(): setup unref'd it, and with nothing else pending Node would exit mid-teardown.
    redis.ref();
    const exited = new Promise((resolve) => redis.once('exit', resolve));
    redis.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
  }
  services.redis = undefined;
  // Loaded by jest without the @app/* mapping (see global-setup.ts): process.env directly.
  if (services.postgres && process.env.TEST_EMBEDDED_PG_STOP === '1') {
    await services.postgres.lib.stopEmbeddedPostgres(services.postgres.dataDir);
  }
}
