import { isUUID } from 'class-validator';

/** Ids come from sessions and URLs; a malformed one is "not found", never a database error. */
export function isUserId(id: unknown): id is string {
  return typeof id === 'string' && isUUID(id);
}
