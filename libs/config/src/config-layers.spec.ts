import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeOrigins, loadLayers, SECRET_VARIABLES } from './config-layers.js';
import { SECTIONS } from './env.schema.js';
import { schemaProperties } from './sections/section.js';
import { validateEnv } from './validate-env.js';
import { sourceRefusalOf } from '../test/env-fixtures.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'config-layers-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Loads with the given process environment and, when given, a `.env` in the temporary directory. */
function load(env: Record<string, string | undefined>, dotEnv?: string) {
  if (dotEnv !== undefined) {
    file('.env', dotEnv);
  }
  return loadLayers({ env, envFile: '.env', cwd: dir });
}

describe('configuration layers: precedence', () => {
  it('settings file < .env < process environment, and the built-in default when none sets it', async () => {
    file('settings.json', JSON.stringify({ LOG_LEVEL: 'debug', HOST: '10.0.0.1', PORT: 4001 }));
    const { values, origins } = await load({ APP_SETTINGS: 'settings.json', LOG_LEVEL: 'error' }, 'HOST=10.0.0.2\nLOG_LEVEL=warn\n');
    expect(values).toMatchObject({ LOG_LEVEL: 'error', HOST: '10.0.0.2', PORT: '4001' });
    expect(Object.fromEntries(origins)).toEqual({
      APP_SETTINGS: 'the process environment',
      LOG_LEVEL: 'the process environment',
      HOST: '.env',
      PORT: 'settings.json (APP_SETTINGS)',
    });
    const env = validateEnv({ ...values, DATABASE_URL: 'postgres://db/app' });
    expect([env.LOG_LEVEL, env.HOST, env.PORT, env.SESSION_MAX_PER_USER]).toEqual(['error', '10.0.0.2', 4001, 20]);
  });

  it('lets an empty variable fall through to the layer below, as validateEnv treats it as unset', async () => {
    const { values, origins } = await load({ LOG_LEVEL: '' }, 'LOG_LEVEL=warn\n');
    expect(values.LOG_LEVEL).toBe('warn');
    expect(origins.get('LOG_LEVEL')).toBe('.env');
  });

  it('takes APP_SETTINGS from .env too, and reads `.env` syntax or JSON by extension or content', async () => {
    file('app.env', '# comment\nexport PORT=4002\nSESSION_SECRET="multi\nline secret value"\n');
    expect((await load({}, 'APP_SETTINGS=app.env\n')).values).toMatchObject({ PORT: '4002', SESSION_SECRET: 'multi\nline secret value' });
    file('app.conf', '  {"PORT": "4003"}');
    expect((await load({ APP_SETTINGS: join(dir, 'app.conf') })).values.PORT).toBe('4003');
  });

  it('reads <NAME>_FILE for a secret, trimming one trailing newline, from any layer, relative to the working directory', async () => {
    file('session.txt', 'from-a-docker-secret-0123456789\n\n');
    file('db.txt', 'postgres://app:pw@db/app\r\n');
    file('redis.txt', 'redis://:pw@cache:6379/0');
    file('settings.json', JSON.stringify({ REDIS_URL_FILE: 'redis.txt' }));
    const { values, origins } = await load(
      { SESSION_SECRET_FILE: join(dir, 'session.txt'), APP_SETTINGS: 'settings.json' },
      'DATABASE_URL_FILE=db.txt\n',
    );
    expect(values).toMatchObject({ SESSION_SECRET: 'from-a-docker-secret-0123456789\n', DATABASE_URL: 'postgres://app:pw@db/app', REDIS_URL: 'redis://:pw@cache:6379/0' });
    for (const name of ['SESSION_SECRET', 'DATABASE_URL', 'REDIS_URL']) {
      expect(origins.get(name)).toBe('secret files (<NAME>_FILE)');
    }
  });

  it('does not treat <NAME>_FILE of a variable that is not a secret as a pointer', async () => {
    file('port.txt', '9999');
    const { values } = await load({ PORT_FILE: join(dir, 'port.txt') });
    expect(values.PORT).toBeUndefined();
  });
});

describe('configuration layers: refusals (one line, naming the source, never a value)', () => {
  it('refuses NAME and NAME_FILE both set, in one layer or two', async () => {
    file('s.txt', 'from-the-file-0123456789');
    expect(await sourceRefusalOf(load({ SESSION_SECRET: 'in-the-env-0123456789', SESSION_SECRET_FILE: join(dir, 's.txt') }))).toBe(
      'SESSION_SECRET and SESSION_SECRET_FILE are both set (SESSION_SECRET in the process environment, SESSION_SECRET_FILE in the process environment); set only one',
    );
    const message = await sourceRefusalOf(load({ SMTP_PASSWORD_FILE: join(dir, 's.txt') }, 'SMTP_PASSWORD=hunter2hunter2\n'));
    expect(message).toMatch(/^SMTP_PASSWORD and SMTP_PASSWORD_FILE are both set \(SMTP_PASSWORD in \.env, SMTP_PASSWORD_FILE in the process environment\)/);
    expect(message).not.toContain('hunter2');
  });

  it('refuses a <NAME>_FILE that cannot be read or is empty', async () => {
    expect(await sourceRefusalOf(load({ SESSION_SECRET_FILE: join(dir, 'missing.txt') }))).toBe(
      `SESSION_SECRET_FILE names ${join(dir, 'missing.txt')}, which cannot be read (ENOENT)`,
    );
    expect(await sourceRefusalOf(load({ SESSION_SECRET_FILE: dir }))).toMatch(/which cannot be read \(EISDIR\)/);
    file('empty.txt', '\n');
    expect(await sourceRefusalOf(load({ DATABASE_URL_FILE: join(dir, 'empty.txt') }))).toMatch(/^DATABASE_URL_FILE names .*empty\.txt, which is empty$/);
  });

  it('lists every secret-file problem at once', async () => {
    const message = await sourceRefusalOf(load({ SESSION_SECRET_FILE: 'a', REDIS_URL_FILE: 'b' }));
    expect(message.split('; ')).toHaveLength(2);
  });

  it('refuses a missing or unreadable settings file, naming it', async () => {
    expect(await sourceRefusalOf(load({ APP_SETTINGS: 'nowhere.json' }))).toBe(`APP_SETTINGS names ${join(dir, 'nowhere.json')}, which cannot be read (ENOENT)`);
  });

  it('refuses a settings file it cannot parse, without quoting it', async () => {
    file('bad.json', '{"SESSION_SECRET": "s3cret-s3cret-s3cret", oops}');
    const message = await sourceRefusalOf(load({ APP_SETTINGS: 'bad.json' }));
    expect(message).toBe(`APP_SETTINGS file ${join(dir, 'bad.json')} is not valid JSON`);
    file('list.json', '["PORT"]');
    expect(await sourceRefusalOf(load({ APP_SETTINGS: 'list.json' }))).toMatch(/must hold one JSON object of variable names$/);
    file('nested.json', '{"PORT": {"value": 1}, "HOST": null}');
    expect(await sourceRefusalOf(load({ APP_SETTINGS: 'nested.json' }))).toMatch(/the value of PORT, HOST must be a string, number or boolean$/);
    file('bad.env', 'PORT=1\nthis is not a variable\n');
    expect(await sourceRefusalOf(load({ APP_SETTINGS: 'bad.env' }))).toMatch(/bad\.env line 2 is not NAME=value/);
    file('open.env', 'SESSION_SECRET="never closed\n');
    expect(await sourceRefusalOf(load({ APP_SETTINGS: 'open.env' }))).toMatch(/has a quoted value that is never closed$/);
  });

  it('refuses settings that are not configuration variables (a typo would silently do nothing)', async () => {
    file('typo.json', JSON.stringify({ PROT: '80', PORT_FILE: 'x', APP_SETTINGS: 'other.json' }));
    expect(await sourceRefusalOf(load({ APP_SETTINGS: 'typo.json' }))).toMatch(/sets what is not a configuration variable: PROT, PORT_FILE, APP_SETTINGS$/);
  });
});

describe('secret variables', () => {
  const all = SECTIONS.flatMap((section) => schemaProperties(section.schema).map((p) => p.name));

  it('include the credentials', () => {
    expect(SECRET_VARIABLES).toEqual(
      expect.arrayContaining(['SESSION_SECRET', 'DATABASE_URL', 'REDIS_URL', 'SMTP_URL', 'SMTP_PASSWORD', 'AUTH_LDAP_BIND_PASSWORD']),
    );
    expect(SECRET_VARIABLES).not.toContain('PORT');
  });

  it('are every variable whose name says secret, password, token or key: a new one must be marked @Secret()', () => {
    const looksSecret = all.filter((name) => /(SECRET|PASSWORD|TOKEN|_KEY)$/.test(name));
    expect(looksSecret.filter((name) => !SECRET_VARIABLES.includes(name))).toEqual([]);
  });
});

describe('describeOrigins (the boot log)', () => {
  it('says, per layer, which variables it gave, and never a value', () => {
    const lines = describeOrigins(
      new Map([
        ['PORT', 'settings.json (APP_SETTINGS)'],
        ['SESSION_SECRET', 'secret files (<NAME>_FILE)'],
        ['NODE_ENV', 'the process environment'],
        ['HOST', 'settings.json (APP_SETTINGS)'],
      ]),
    );
    expect(lines).toEqual([
      'config from settings.json (APP_SETTINGS): HOST, PORT',
      'config from secret files (<NAME>_FILE): SESSION_SECRET',
      'config from the process environment: NODE_ENV',
      'config: everything else is a built-in default',
    ]);
    expect(describeOrigins(new Map())).toEqual(['config: built-in defaults only']);
  });

  it('lists only configuration variables, not the rest of the environment', async () => {
    const { origins } = await load({ PATH: '/usr/bin', HOME: '/root', PORT: '1' });
    expect([...origins.keys()]).toEqual(['PORT']);
  });
});
