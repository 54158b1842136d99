import dotenv from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fetchSecretVariables, type SecretsManagerSource } from './aws-secrets.js';
import { ConfigSourceError } from './config-source.error.js';
import { SECTIONS } from './env.schema.js';
import { ConfigSourceVariables } from './sections/config-sources.js';
import { secretProperties } from './sections/secret.js';
import { schemaProperties } from './sections/section.js';
import { readSettingsFile } from './settings-file.js';

/**
 * Configuration in layers, lowest first (the README's table says the same):
 *   built-in defaults (each section's, applied by validateEnv)
 *   < the settings file APP_SETTINGS names (`.env` syntax or JSON)
 *   < `.env`
 *   < secrets: `<NAME>_FILE` for each `@Secret()` variable, and the AWS Secrets Manager secret
 *   < the process environment.
 * The environment wins so that an operator can always override one value for one run; secrets
 * sit above the files so that a copied `.env` cannot shadow the real credential.
 */
export interface LayerOptions {
  /** The process environment: the top layer. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The `.env` file; a missing one is no error (it is optional). */
  readonly envFile: string;
  /** Relative paths (APP_SETTINGS, `<NAME>_FILE`) are resolved against it. Default: the working directory. */
  readonly cwd?: string;
}

export interface LayeredEnvironment {
  /** Every layer's variables merged, the highest winning; defaults are left to validateEnv. */
  readonly values: Record<string, string>;
  /** Each configuration variable some layer gave → that layer, for the boot log (never the value). */
  readonly origins: ReadonlyMap<string, string>;
}

const PROCESS = 'the process environment';
const SOURCE_VARIABLES = new Set(schemaProperties(ConfigSourceVariables).map((p) => p.name));
const VARIABLES = new Set(SECTIONS.flatMap((section) => schemaProperties(section.schema).map((p) => p.name)));
/** Every variable marked `@Secret()` in its section: each accepts `<NAME>_FILE`. */
export const SECRET_VARIABLES: readonly string[] = SECTIONS.flatMap((section) => secretProperties(section.schema));

interface Layer {
  readonly label: string;
  readonly values: Record<string, string>;
}

export async function loadLayers(options: LayerOptions): Promise<LayeredEnvironment> {
  const cwd = options.cwd ?? process.cwd();
  const shown = (path: string) => relative(cwd, path) || path;
  const environment: Layer = { label: PROCESS, values: nonEmpty(options.env) };
  const envPath = resolve(cwd, options.envFile);
  const dotEnv: Layer = { label: shown(envPath), values: existsSync(envPath) ? nonEmpty(dotenv.parse(readFileSync(envPath))) : {} };
  const settingsName = environment.values.APP_SETTINGS ?? dotEnv.values.APP_SETTINGS;
  const settings: Layer = { label: `${settingsName} (APP_SETTINGS)`, values: settingsName ? readSettings(resolve(cwd, settingsName)) : {} };
  const files = readSecretFiles([environment, dotEnv, settings], cwd);
  const lower = { ...settings.values, ...dotEnv.values, ...environment.values };
  const aws = await readSecretsManager(lower, files);
  const layers = [settings, dotEnv, aws, files, environment]; // lowest first
  const values: Record<string, string> = Object.assign({}, ...layers.map((l) => l.values));
  const origins = new Map<string, string>();
  for (const layer of layers) {
    for (const name of Object.keys(layer.values).filter((n) => VARIABLES.has(n))) {
      origins.set(name, layer.label);
    }
  }
  return { values, origins };
}

/** One line per layer that gave something: `<layer>: NAME, NAME`; values never appear. */
export function describeOrigins(origins: ReadonlyMap<string, string>): string[] {
  const byLayer = new Map<string, string[]>();
  for (const [name, label] of origins) {
    byLayer.set(label, [...(byLayer.get(label) ?? []), name]);
  }
  const lines = [...byLayer].map(([label, names]) => `config from ${label}: ${names.sort().join(', ')}`);
  return [...lines, lines.length === 0 ? 'config: built-in defaults only' : 'config: everything else is a built-in default'];
}

function nonEmpty(vars: Readonly<Record<string, string | undefined>>): Record<string, string> {
  // An empty variable counts as unset everywhere in config (validateEnv): a lower layer fills it.
  return Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''));
}

function readSettings(path: string): Record<string, string> {
  const values = nonEmpty(readSettingsFile(path));
  const allowed = (name: string) =>
    (VARIABLES.has(name) && name !== 'APP_SETTINGS') || SECRET_VARIABLES.some((secret) => name === `${secret}_FILE`);
  const unknown = Object.keys(values).filter((name) => !allowed(name));
  if (unknown.length > 0) {
    throw new ConfigSourceError([`APP_SETTINGS file ${path} sets what is not a configuration variable: ${unknown.join(', ')}`]);
  }
  return values;
}

/**
 * `<NAME>_FILE`, from any of the given layers: the file's content, one trailing newline removed
 * (`echo secret > file` adds one). Setting both NAME and NAME_FILE is refused whatever their
 * layers: which of the two was meant cannot be guessed.
 */
function readSecretFiles(layers: readonly Layer[], cwd: string): Layer {
  const find = (name: string) => layers.find((layer) => layer.values[name] !== undefined);
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of SECRET_VARIABLES) {
    const pointer = find(`${name}_FILE`);
    if (!pointer) {
      continue;
    }
    const direct = find(name);
    if (direct) {
      problems.push(`${name} and ${name}_FILE are both set (${name} in ${direct.label}, ${name}_FILE in ${pointer.label}); set only one`);
      continue;
    }
    const path = resolve(cwd, pointer.values[`${name}_FILE`]);
    try {
      const content = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
      if (content === '') {
        problems.push(`${name}_FILE names ${path}, which is empty`);
      } else {
        values[name] = content;
      }
    } catch (error) {
      problems.push(`${name}_FILE names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  if (problems.length > 0) {
    throw new ConfigSourceError(problems);
  }
  return { label: 'secret files (<NAME>_FILE)', values };
}

async function readSecretsManager(lower: Record<string, string>, files: Layer): Promise<Layer> {
  const secretId = lower.AWS_SECRETS_MANAGER_SECRET_ID;
  if (!secretId) {
    return { label: 'AWS Secrets Manager', values: {} };
  }
  const timeoutMs = Number(lower.AWS_SECRETS_MANAGER_TIMEOUT_MS ?? 5000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) {
    throw new ConfigSourceError(['AWS_SECRETS_MANAGER_TIMEOUT_MS must be a whole number of milliseconds, at least 100']);
  }
  const source: SecretsManagerSource = {
    secretId,
    region: lower.AWS_REGION,
    endpoint: lower.AWS_ENDPOINT_URL_SECRETS_MANAGER,
    timeoutMs,
    // Keys in `.env` work too; otherwise the SDK's own chain (process environment, profile, role).
    credentials:
      lower.AWS_ACCESS_KEY_ID && lower.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: lower.AWS_ACCESS_KEY_ID, secretAccessKey: lower.AWS_SECRET_ACCESS_KEY, sessionToken: lower.AWS_SESSION_TOKEN }
        : undefined,
    // A secret cannot move the sources themselves (which file, which secret, where).
    allowed: new Set([...VARIABLES].filter((name) => !SOURCE_VARIABLES.has(name))),
  };
  const values = await fetchSecretVariables(source);
  const twice = Object.keys(values).filter((name) => files.values[name] !== undefined);
  if (twice.length > 0) {
    throw new ConfigSourceError(twice.map((name) => `${name} is given by both ${name}_FILE and AWS Secrets Manager secret "${secretId}"; keep one`));
  }
  return { label: `AWS Secrets Manager (${secretId})`, values: nonEmpty(values) };
}
