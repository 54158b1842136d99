import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { NodeEnv } from './node-env.js';

/** Default values as they would be written in `.env`, keyed by the section's own variables. */
export type Defaults<Vars> = { readonly [K in keyof Vars]?: string };

/**
 * Everything about one concern's variables, so that adding a variable means editing one file
 * (and documenting it in `.env.example`). `Vars` is the section's schema; `Env` is what its
 * checks and mapping read: its own variables plus any of another section's, named in the type.
 */
export interface ConfigSection<Vars extends object, Env extends Vars, Part> {
  /**
   * The section's class-validator schema. Each section is validated on its own and the problems
   * of all of them are reported together, so one bad start lists everything to fix.
   */
  readonly schema: new () => Vars;
  /**
   * Per environment. Development and test defaults let a fresh clone start with no `.env`
   * (they match `.env.example`). Production gets none for anything that names a service or a
   * secret: a forgotten variable must stop the app, not point it at localhost.
   */
  readonly defaults: Readonly<Record<NodeEnv, Defaults<NoInfer<Vars>>>>;
  /** Variables deliberately left without a production default: the operator must set them. */
  readonly requiredInProduction?: readonly (keyof NoInfer<Vars> & string)[];
  /**
   * Problems no single field's decorators can see. They run even when some fields failed the
   * schema (every problem is listed at once), so a check must not assume a value is present.
   */
  readonly check?: (env: Env) => string[];
  /** This section's part of `AppConfig`; runs only on a valid environment. */
  readonly build: (env: Env) => Part;
}

/** Identity, for inference: `Vars` comes from the schema, `Env` from the functions' parameter. */
export function defineSection<Vars extends object, Env extends Vars, Part>(
  section: ConfigSection<Vars, Env, Part>,
): ConfigSection<Vars, Env, Part> {
  return section;
}

export interface SchemaProperty {
  readonly name: string;
  /** Marked `@IsOptional()`: unset is a valid value (usually "derive it from the others"). */
  readonly optional: boolean;
}

/** The variables a schema class declares, in declaration order, read from its decorators. */
export function schemaProperties(schema: new () => object): SchemaProperty[] {
  const byName = new Map<string, boolean>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(schema, '', false, false)) {
    const optional = meta.type === ValidationTypes.CONDITIONAL_VALIDATION;
    byName.set(meta.propertyName, (byName.get(meta.propertyName) ?? false) || optional);
  }
  return [...byName].map(([name, optional]) => ({ name, optional }));
}
