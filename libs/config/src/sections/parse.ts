/**
 * Strings from the environment become numbers and booleans here, explicitly: class-transformer's
 * implicit conversion turns "false" into `true` and "abc" into `NaN`, which would hide typos.
 * Anything we cannot parse is passed through unchanged so the validator reports it by name.
 */
export const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value);

export const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') {
    return value;
  }
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) {
    return true;
  }
  if (['false', '0', 'no', 'off'].includes(v)) {
    return false;
  }
  return value;
};

/** `"a, b,,c"` → `['a', 'b', 'c']`: the form of every list variable (secrets, addresses). */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
