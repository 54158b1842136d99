// Used by scripts/bundle.mjs on the production bundles; tested in libs/testing/src/ascii-only.spec.ts.

/**
 * Every character above U+007F written as a \u escape. Why: V8 keeps a module's whole source in
 * memory for as long as the process lives, one byte per character only when every character is
 * Latin-1; a single wider one (validator's locale regexes, a comment's dash) makes it two bytes per
 * character, which for the api bundle was 17 MB of heap instead of 8.6 MB (measured in a heap
 * snapshot). esbuild's `charset: 'ascii'` escapes strings but leaves regex literals and comments
 * as they are. A \u escape means the same character in a string, a template, a regex (a surrogate
 * pair of escapes is one code point under the u flag) and an identifier, and is harmless in a
 * comment. The source map is not rewritten: columns after an escape, on those few lines only, are
 * off by five per escaped character.
 */
export function asciiOnly(text) {
  // A wide character already escaped by a backslash (`\é`, an identity escape) is the character
  // itself: that backslash goes, or it would escape the new escape's own backslash.
  return text.replace(/(\\*)([^\0-\x7f])/g, (_, slashes, c) => {
    const kept = slashes.length % 2 ? slashes.slice(1) : slashes;
    return `${kept}\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
