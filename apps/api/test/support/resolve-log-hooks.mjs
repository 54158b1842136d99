// Module hooks (node:module register) for production-bundle.e2e-spec.ts: appends every module URL
// the bundle itself imports to the file named by RESOLVE_LOG, one per line.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (context.parentURL?.includes('/dist/bundle/') && process.env.RESOLVE_LOG) {
    appendFileSync(process.env.RESOLVE_LOG, `${result.url}\n`);
  }
  return result;
}
