/**
 * TypeORM's `query()` on pg returns the rows for SELECT and INSERT, but `[rows, rowCount]` for
 * UPDATE and DELETE. Raw SQL with `RETURNING` is how we make writes atomic (single-use tokens,
 * update-only changes), so every such caller goes through this instead of guessing the shape.
 */
export async function queryRows<T>(
  executor: { query(sql: string, params?: unknown[]): Promise<unknown> },
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result = await executor.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return (result ?? []) as T[];
}
