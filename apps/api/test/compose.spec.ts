import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { configVariableNames, projectRoot, validateEnv } from '@app/config';

/**
 * No container engine runs here, so docker/compose.yml and docker/Caddyfile are checked as files:
 * the parts that would only fail once someone runs `docker compose up` (a variable the config
 * does not know, a production check the environment fails, a proxy pointed at the wrong port, a
 * migration command naming a file the build does not produce).
 */

type Dict = Record<string, unknown>;
interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  volumes?: string[];
}

const root = projectRoot();
const raw = readFileSync(join(root, 'docker/compose.yml'), 'utf8');
const caddyfile = readFileSync(join(root, 'docker/Caddyfile'), 'utf8');

// What an operator exports before `docker compose up` (the file's own instructions).
const SHELL = {
  SESSION_SECRET: 'x9Lq2vTz8RkW4mNp7YcB3hJd6FsA1eGu5oKi0Zr',
  POSTGRES_PASSWORD: 'c0ffee1234abcd5678ef90aa',
  AUTH_TOTP_ENCRYPTION_KEY: '5f0e3c9a1b7d24e68f0a3c5e7b9d1f2a4c6e8a0b2d4f6a8c0e2a4c6e8f0a1b3c',
};

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
function interpolate(value: string, shell: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Z0-9_]+)(?:(:?)([-?])([^}]*))?\}/g, (match, name?: string, colon?: string, op?: string, arg?: string) => {
    if (name === undefined) {
      return '$';
    }
    const set = Object.hasOwn(shell, name) && (colon ? shell[name] !== '' : true);
    if (set) {
      return shell[name];
    }
    if (op === '?') {
      throw new Error(`required variable ${name}: ${arg}`);
    }
    return op === '-' ? (arg ?? '') : '';
  });
}

function interpolateAll(node: unknown, shell: Record<string, string>): unknown {
  if (typeof node === 'string') {
    return interpolate(node, shell);
  }
  if (Array.isArray(node)) {
    return node.map((item) => interpolateAll(item, shell));
  }
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, shell)]));
  }
  return node;
}

function load(shell: Record<string, string>): { services: Record<string, Service> } {
  // merge: the file shares the app definition through YAML merge keys (<<: *app), as Compose does.
  return interpolateAll(parse(raw, { merge: true }) as Dict, shell) as { services: Record<string, Service> };
}

const { services } = load(SHELL);
const appServices = ['api', 'worker'] as const;

describe('docker/compose.yml', () => {
  it('runs the whole stack: proxy, two api and two worker replicas, PostgreSQL, Redis, a mail catcher, migrations', () => {
    expect(Object.keys(services).sort()).toEqual(['api', 'caddy', 'mailpit', 'migrate', 'postgres', 'redis', 'worker']);
    expect(services.api.deploy?.replicas).toBe(2);
    expect(services.worker.deploy?.replicas).toBe(2);
    expect(services.caddy.image).toMatch(/^caddy:/);
    expect(services.mailpit.image).toMatch(/mailpit/);
  });

  it('refuses to start without the secrets, and commits none', () => {
    const without = (name: keyof typeof SHELL) => Object.fromEntries(Object.entries(SHELL).filter(([key]) => key !== name));
    expect(() => load(without('SESSION_SECRET'))).toThrow(/SESSION_SECRET/);
    expect(() => load(without('POSTGRES_PASSWORD'))).toThrow(/POSTGRES_PASSWORD/);
    expect(() => load(without('AUTH_TOTP_ENCRYPTION_KEY'))).toThrow(/AUTH_TOTP_ENCRYPTION_KEY/);
    expect(raw).not.toMatch(/SESSION_SECRET:\s*"?\$\{SESSION_SECRET:-/);
    expect(raw).not.toMatch(/POSTGRES_PASSWORD:-/);
  });

  it('checks the health of every long-running service it depends on', () => {
    expect(services.postgres.healthcheck?.test).toEqual(expect.arrayContaining(['pg_isready']));
    expect(services.redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    const port = services.api.environment?.PORT;
    expect(services.api.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/health/ready`);
    const workerPort = services.worker.environment?.WORKER_HEALTH_PORT;
    expect(services.worker.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${workerPort}/health/ready`);
    for (const name of appServices) {
      expect([name, services[name].depends_on]).toEqual([
        name,
        {
          postgres: { condition: 'service_healthy' },
          redis: { condition: 'service_healthy' },
          migrate: { condition: 'service_completed_successfully' },
          mailpit: { condition: 'service_started' },
        },
      ]);
    }
    expect(services.migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(services.caddy.depends_on).toEqual({ api: { condition: 'service_healthy' } });
  });

  it('migrates once, before the apps, with a data source the build produces', () => {
    const command = services.migrate.command ?? [];
    expect(command.slice(0, 3)).toEqual(['node', 'node_modules/typeorm/cli.js', 'migration:run']);
    const dataSource = command[command.indexOf('-d') + 1];
    // dist/<path>.js is compiled from <path>.ts; `npm run migration:run` uses the same file.
    expect(existsSync(join(root, dataSource.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    expect(readFileSync(join(root, 'package.json'), 'utf8')).toContain(`migration:run -d ${dataSource}`);
    for (const name of ['api', 'worker', 'migrate']) {
      expect([name, services[name].environment?.DATABASE_RUN_MIGRATIONS]).toEqual([name, 'false']);
    }
  });

  it("runs every node of the image with the memory settings docs/benchmarks.md measured (the apps' own heap growth aside)", () => {
    const dockerfile = readFileSync(join(root, 'docker/Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.indexOf('FROM base AS runtime'));
    expect(runtime).toMatch(/^\s*ENV MALLOC_ARENA_MAX=2\b/m);
    expect(runtime).toMatch(/^\s*MALLOC_MMAP_THRESHOLD_=131072\b/m);
    expect(runtime).toMatch(/NODE_OPTIONS=--max-semi-space-size=8\b/);
    // No service overrides them (an environment entry would replace the image's value).
    for (const name of Object.keys(services)) {
      expect([name, Object.keys(services[name].environment ?? {}).filter((v) => v === 'NODE_OPTIONS' || v.startsWith('MALLOC_'))]).toEqual([name, []]);
    }
  });

  it.each(['api', 'worker', 'migrate'])('%s: every variable is known to libs/config', (name) => {
    const known = new Set(configVariableNames());
    expect(Object.keys(services[name].environment ?? {}).filter((v) => !known.has(v))).toEqual([]);
  });

  it.each(['api', 'worker', 'migrate'])('%s: the environment passes the production checks', (name) => {
    const env = services[name].environment ?? {};
    expect(env.NODE_ENV).toBe('production');
    const valid = validateEnv(env);
    expect(valid.APP_BASE_URL).toBe('https://localhost');
    expect(valid.TRUST_PROXY_HOPS).toBe(1);
    expect(valid.HOST).toBe('0.0.0.0');
  });

  it('publishes no app port: the proxy is the only way in (TRUST_PROXY_HOPS=1 trusts exactly it)', () => {
    for (const name of appServices) {
      expect([name, services[name].ports]).toEqual([name, undefined]);
    }
    expect(services.caddy.ports).toEqual(expect.arrayContaining(['127.0.0.1:443:443']));
  });

  it('Caddy terminates TLS for the APP_BASE_URL host with its internal CA and balances over the api port', () => {
    expect(services.caddy.volumes).toEqual(expect.arrayContaining(['./Caddyfile:/etc/caddy/Caddyfile:ro']));
    const host = new URL(services.api.environment?.APP_BASE_URL ?? '').host;
    expect(caddyfile).toMatch(new RegExp(`^${host} \\{$`, 'm'));
    expect(caddyfile).toMatch(/^\s+tls internal$/m);
    // Every replica: dynamic A records of the api service, on the port the api listens on.
    const upstream = /dynamic a \{\s*name (\S+)\s*port (\d+)/.exec(caddyfile);
    expect(upstream?.slice(1)).toEqual(['api', services.api.environment?.PORT]);
  });
});
