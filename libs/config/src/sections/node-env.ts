import { IsIn } from 'class-validator';
import { defineSection } from './section.js';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export class NodeEnvVariables {
  /** Unset: development. It picks every other section's defaults, so it has none of its own. */
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv;
}

export function isProduction(env: NodeEnvVariables): boolean {
  return env.NODE_ENV === 'production';
}

export const nodeEnv = defineSection({
  schema: NodeEnvVariables,
  defaults: { development: {}, test: {}, production: {} },
  build: (env: NodeEnvVariables) => ({ env: env.NODE_ENV, isProduction: isProduction(env) }),
});
