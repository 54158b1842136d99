import { runInNewContext } from 'node:vm';
// The rewrite scripts/bundle.mjs applies to the production bundles; here it meets small programs
// whose meaning must not change.
// @ts-expect-error plain JavaScript module without types
import { asciiOnly } from '../../../scripts/ascii-only.mjs';

const escape = asciiOnly as (text: string) => string;

/** The program's value before and after the rewrite, and the rewritten text. */
function both(program: string): { before: unknown; after: unknown; text: string } {
  const text = escape(program);
  return { before: runInNewContext(program), after: runInNewContext(text), text };
}

describe('asciiOnly (production bundle rewrite)', () => {
  it.each([
    ['a string', '"café — 😀"'],
    ['a template', '`é${1 + 1}—`'],
    ['a regex class with a flag', '[/^[A-ZÁČĎ]+$/i.test("čáď"), /^[A-ZÁČĎ]+$/i.test("čá1")]'],
    ['a regex under the u flag with an astral character', '[/^😀+$/u.test("😀😀"), /^.$/u.test("😀"), /^[😀]$/u.test("😀")]'],
    ['an astral character in a regex without the u flag', '[/^😀$/.test("😀"), /^.$/.test("😀")]'],
    ['an identity escape in a string and a regex', '["\\é", /\\é/.test("é")]'],
    ['an escaped backslash before a wide character', '["\\\\é".length, "\\\\é"]'],
    ['an identifier', '(() => { const café = 7; return café * 2; })()'],
    ['a comment', '/* a dash — in a comment */ 42'],
  ])('keeps the meaning of %s', (_name, program) => {
    const { before, after, text } = both(program);
    expect(after).toEqual(before);
    expect(text).toMatch(/^[\0-\x7f]*$/);
  });

  it('leaves plain ASCII text alone', () => {
    const text = 'const a = "plain"; // nothing to do\n/x\\d+/g;';
    expect(escape(text)).toBe(text);
  });
});
