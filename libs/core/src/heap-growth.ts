import { setFlagsFromString } from 'node:v8';

const FLAG = '--heap-growing-percent';

/**
 * Sets V8's heap growing factor for this process from HEAP_GROWTH_PERCENT (config.memory).
 *
 * Why at run time and not on node's command line: V8 flags are refused in NODE_OPTIONS, and an
 * app started as `node dist/bundle/api.mjs`, `nest start`, the Dockerfile's CMD or `npm start`
 * should all get the same bound without each command repeating it. V8 reads the factor each time
 * it sizes the heap after a full collection, so setting it once the config is known (before the
 * app serves anything) is enough. A flag given on node's own command line wins: it is left alone.
 *
 * Returns the boot log line, or null when nothing was changed.
 */
export function applyHeapGrowth(
  percent: number,
  execArgv: readonly string[] = process.execArgv,
  setFlags: (flags: string) => void = setFlagsFromString,
): string | null {
  if (execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`) || arg.startsWith('--heap_growing_percent'))) {
    return `heap growth: ${FLAG} from node's command line (HEAP_GROWTH_PERCENT ignored)`;
  }
  if (percent === 0) {
    return null;
  }
  setFlags(`${FLAG}=${percent}`);
  return `heap growth: a full collection when the heap is ${percent}% past its live size (HEAP_GROWTH_PERCENT)`;
}
