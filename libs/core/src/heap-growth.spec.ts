import { execFileSync } from 'node:child_process';
import { applyHeapGrowth } from './heap-growth.js';

/** A stand-in for v8.setFlagsFromString that records what it was given. */
function recorder(): ((flags: string) => void) & { calls: string[] } {
  const calls: string[] = [];
  return Object.assign((flags: string) => void calls.push(flags), { calls });
}

describe('applyHeapGrowth', () => {
  it('sets V8 --heap-growing-percent from the configured percent', () => {
    const set = recorder();
    expect(applyHeapGrowth(100, [], set)).toMatch(/100% past its live size/);
    expect(set.calls).toEqual(['--heap-growing-percent=100']);
  });

  it('leaves V8 alone at 0', () => {
    const set = recorder();
    expect(applyHeapGrowth(0, [], set)).toBeNull();
    expect(set.calls).toEqual([]);
  });

  it.each([['--heap-growing-percent=30'], ['--heap_growing_percent=30']])('leaves a %s given on the command line alone', (arg) => {
    const set = recorder();
    expect(applyHeapGrowth(100, ['--enable-source-maps', arg], set)).toMatch(/command line/);
    expect(set.calls).toEqual([]);
  });

  // The flag is V8's, not Node's: a Node release whose V8 dropped it would make the setting a
  // silent no-op (setFlagsFromString only prints to stderr). CI runs this on Node 20 and 24.
  it("is a flag this Node's V8 knows", () => {
    const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    expect(options).toMatch(/^\s*--heap-growing-percent\b/m);
  });
});
