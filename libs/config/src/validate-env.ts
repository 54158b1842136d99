import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { ConfigValidationError } from './config-validation.error.js';
import { SECTIONS, type EnvironmentVariables } from './env.schema.js';
import type { NodeEnv } from './sections/node-env.js';
import { schemaProperties } from './sections/section.js';

/** What validation needs of a section, whatever its variables. */
interface Section {
  readonly schema: new () => object;
  readonly defaults: Readonly<Record<NodeEnv, Readonly<Record<string, string | undefined>>>>;
  readonly check?: (env: EnvironmentVariables) => string[];
}
const sections: readonly Section[] = SECTIONS;

function defaultsFor(nodeEnv: string | undefined): Record<string, string | undefined> {
  const name = nodeEnv ?? 'development';
  return Object.assign({}, ...sections.map((s) => (Object.hasOwn(s.defaults, name) ? s.defaults[name as NodeEnv] : {})));
}

function describe(errors: ValidationError[]): string[] {
  return errors.map((e) => {
    if (e.value === undefined) {
      return `${e.property} is required`;
    }
    // stopAtFirstError leaves one message per variable, already prefixed with its name.
    const message = Object.values(e.constraints ?? {})[0] ?? 'is invalid';
    return message.startsWith(e.property) ? message : `${e.property} ${message}`;
  });
}

/**
 * Turns raw strings (process.env merged with `.env`) into typed, checked variables.
 * Empty strings count as unset so that `FOO=` in a `.env` file falls back to the default.
 * Variables no section declares are passed through untouched (Nest's ConfigModule copies the
 * result back into process.env).
 */
export function validateEnv(raw: Record<string, unknown>): EnvironmentVariables {
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== '')) as Record<string, string>;
  const merged: Record<string, unknown> = { NODE_ENV: 'development', ...defaultsFor(given.NODE_ENV), ...given };
  const problems: string[] = [];
  for (const section of sections) {
    const own = Object.fromEntries(schemaProperties(section.schema).flatMap(({ name }) => (name in merged ? [[name, merged[name]]] : [])));
    const typed = plainToInstance(section.schema, own);
    problems.push(...describe(validateSync(typed, { skipMissingProperties: false, stopAtFirstError: true })));
    Object.assign(merged, typed);
  }
  // Typed only if no problem is found below; the checks are written to tolerate bad values.
  const env = merged as unknown as EnvironmentVariables;
  for (const section of sections) {
    problems.push(...(section.check?.(env) ?? []));
  }
  if (problems.length > 0) {
    throw new ConfigValidationError(problems);
  }
  return env;
}
