import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { toInt } from './parse.js';
import { defineSection, type Defaults } from './section.js';

export class MemoryVariables {
  @Transform(toInt)
  @Min(0)
  @Max(300)
  @IsInt()
  HEAP_GROWTH_PERCENT: number;
}

export interface MemoryConfig {
  /**
   * How far past the live heap V8 may let the heap grow before the next full collection, in
   * percent (V8's --heap-growing-percent); 0 leaves V8's own heuristic, which on a machine with
   * several GiB of memory allows up to 4x. Unlike --max-old-space-size this is no cap: the limit
   * follows the live set, so a growing app never dies of it. Figures: docs/benchmarks.md, "Memory".
   */
  readonly heapGrowthPercent: number;
}

// Measured (bench/memory.mjs, signed-in page views, 5 rounds): with V8's own heuristic an api
// holding about 50 MB live peaked at 300-350 MiB RSS; at 75 it peaked at 184 MiB with the image's
// MALLOC_ARENA_MAX=2 and --max-semi-space-size=8 (214 MiB without them) for 3.5% more CPU per
// request (median 731 against 706 us, inside the run-to-run noise); 50 went below 180 MiB but
// cost about 20%.
const ALL: Defaults<MemoryVariables> = { HEAP_GROWTH_PERCENT: '75' };

export const memory = defineSection({
  schema: MemoryVariables,
  defaults: { development: ALL, test: ALL, production: ALL },
  build: (env: MemoryVariables): MemoryConfig => ({ heapGrowthPercent: env.HEAP_GROWTH_PERCENT }),
});
