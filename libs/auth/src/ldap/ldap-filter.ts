/**
 * RFC 4515 section 3: in an assertion value, `*`, `(`, `)`, `\` and NUL are written as `\2a`,
 * `\28`, `\29`, `\5c` and `\00`. Whatever someone types as their address is a value, never
 * filter syntax: `*)(uid=*` becomes a literal that matches no entry.
 */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The configured template with each `{name}` replaced by its escaped value (every occurrence). */
export function fillFilter(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? escapeFilterValue(values[name]) : whole));
}
