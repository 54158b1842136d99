import { HttpStatus } from '@nestjs/common';
import { AppError } from '@app/errors';

/**
 * Commands print their results to stdout and nothing else; diagnostics go to stderr. Bad
 * arguments are thrown as `usageError(...)` (any AppError with a 4xx status counts), which
 * main.ts turns into a one-line message and exit code 2, like commander's own argument errors.
 */
export function usageError(message: string): AppError {
  return new AppError('bad_arguments', HttpStatus.BAD_REQUEST, message);
}

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Fixed-width columns, good enough for a terminal and for grep. */
export function table(rows: Array<Record<string, string | number>>, columns: string[]): string {
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns), ...rows.map((r) => line(columns.map((c) => String(r[c] ?? ''))))].join('\n');
}

export function positiveInt(name: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    throw usageError(`${name} must be a whole number from 1 to 1000 (got "${value}")`);
  }
  return Number(value);
}
