import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECTIONS, type EnvironmentVariables } from './env.schema.js';
import { projectRoot } from './project-root.js';
import { NODE_ENVS } from './sections/node-env.js';
import { schemaProperties } from './sections/section.js';
import { validateEnv } from './validate-env.js';

interface AnySection {
  readonly schema: new () => object;
  readonly defaults: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
  readonly requiredInProduction?: readonly string[];
  readonly check?: (env: EnvironmentVariables) => string[];
  readonly build: (env: EnvironmentVariables) => unknown;
}
const sections: readonly AnySection[] = SECTIONS;
const named = sections.map((section) => ({ section, name: section.schema.name, properties: schemaProperties(section.schema) }));
const allVariables = named.flatMap(({ properties }) => properties.map((p) => p.name));

describe('config sections', () => {
  it('declare each variable in exactly one section', () => {
    expect(allVariables.length).toBeGreaterThan(0);
    expect(allVariables.filter((name, i) => allVariables.indexOf(name) !== i)).toEqual([]);
  });

  it.each(named)('$name: every default names one of its own variables', ({ section, properties }) => {
    const own = new Set(properties.map((p) => p.name));
    for (const nodeEnv of NODE_ENVS) {
      expect(Object.keys(section.defaults[nodeEnv]).filter((name) => !own.has(name))).toEqual([]);
    }
  });

  it.each(named)('$name: every variable is optional, has a default, or is required in production on purpose', ({ section, properties }) => {
    const required = properties.filter((p) => !p.optional).map((p) => p.name);
    const requiredInProduction = section.requiredInProduction ?? [];
    for (const nodeEnv of NODE_ENVS) {
      // NODE_ENV picks the defaults, so it cannot have one (validateEnv falls back to development).
      const exempt = ['NODE_ENV', ...(nodeEnv === 'production' ? requiredInProduction : [])];
      expect([nodeEnv, required.filter((name) => section.defaults[nodeEnv][name] === undefined && !exempt.includes(name))]).toEqual([nodeEnv, []]);
    }
    // The list must not go stale: each entry is a required variable that production leaves unset.
    for (const name of requiredInProduction) {
      expect(required).toContain(name);
      expect(section.defaults.production[name]).toBeUndefined();
    }
  });

  it.each(named)('$name: its checks or its mapping read every one of its variables', ({ section, properties }) => {
    const read = new Set<string>();
    const env = new Proxy(validateEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/starter' }), {
      get(target, key, receiver) {
        if (typeof key === 'string') {
          read.add(key);
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    section.check?.(env);
    section.build(env);
    expect(properties.map((p) => p.name).filter((name) => !read.has(name))).toEqual([]);
  });

  it('are documented in .env.example, variable for variable', () => {
    const example = readFileSync(join(projectRoot(), '.env.example'), 'utf8');
    // `NAME=value` when it has a default, `# NAME=example` when unset is the default.
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...allVariables].sort());
  });
});
