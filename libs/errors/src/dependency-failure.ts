/**
 * Recognises errors that mean "a backing service is down" rather than "our code is wrong", so
 * they become 503 instead of 500. Drivers do not share an error class, so we look at the codes
 * they do share: Node socket errors, PostgreSQL's connection-exception class (08xxx) and
 * shutdown codes (57P0x), and the messages pg, TypeORM and ioredis use for lost connections or
 * commands that timed out. A disk that is full, read-only, refused to us or failing (the file
 * session store, uploads) is a dependency too: ENOSPC, EDQUOT, EROFS, EACCES, EPERM, EIO, and
 * running out of file descriptors (EMFILE, ENFILE).
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
const DISK_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'EMFILE', 'ENFILE']);
const MESSAGE =
  /Connection terminated|connection timeout|Command timed out|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|Stream isn't writeable|enableOfflineQueue|MaxRetriesPerRequest|Driver not Connected|the database system is (starting up|shutting down)|Redis is unavailable|ClientClosedError|The client is closed/i;

export function isDependencyFailure(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) {
    return false;
  }
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; driverError?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || DISK_CODES.has(e.code) || /^(08|57P0)/.test(e.code))) {
    return true;
  }
  if (typeof e.message === 'string' && MESSAGE.test(e.message)) {
    return true;
  }
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDependencyFailure(inner, depth + 1))) {
    return true; // AggregateError from dual-stack connection attempts
  }
  return isDependencyFailure(e.driverError, depth + 1) || isDependencyFailure(e.cause, depth + 1);
}
