import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Matches } from 'class-validator';
import { projectRoot } from '../project-root.js';
import { defineSection, type Defaults } from './section.js';

export class AppVariables {
  /** The product's name on pages, in mails and their sender, in the API docs and in pg_stat_activity. */
  @Matches(/^[^<>"\\\r\n\t]{1,80}$/, { message: 'must be 1 to 80 characters, without <, >, ", \\ or line breaks' })
  APP_NAME: string;
}

export interface AppInfoConfig {
  readonly name: string;
}

/** `nest-starter` → `Nest Starter`: a renamed package (npm run create) renames the product too. */
export function titleCase(packageName: string): string {
  return packageName
    .replace(/^@[^/]+\//, '')
    .split(/[-_.\s]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

function packageName(): string {
  try {
    const { name } = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { name?: unknown };
    return typeof name === 'string' && name.trim() ? name : 'app';
  } catch {
    return 'app';
  }
}

const ALL: Defaults<AppVariables> = { APP_NAME: titleCase(packageName()) };

export const app = defineSection({
  schema: AppVariables,
  defaults: { development: ALL, test: ALL, production: ALL },
  build: (env: AppVariables): { app: AppInfoConfig } => ({ app: { name: env.APP_NAME } }),
});
