import { SECTIONS } from './env.schema.js';
import { schemaProperties } from './sections/section.js';

/**
 * Every variable some section declares. `validateEnv` passes unknown names through untouched, so
 * a misspelt variable in a deployment file (compose, a manifest) would be silently ignored; this
 * list lets a test catch it.
 */
export function configVariableNames(): string[] {
  return SECTIONS.flatMap((section) => schemaProperties(section.schema).map((p) => p.name));
}
