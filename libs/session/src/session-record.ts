/** What a store keeps for one session. Timestamps are epoch milliseconds. */
export interface SessionRecord {
  /** When this id was issued (login regenerates the id, so for a signed-in session: login time). */
  createdAt: number;
  /** Last request that used the session, updated at most once per touch interval. */
  lastSeenAt: number;
  /** Set while signed in; stores index sessions by it (listByUser, destroyByUser). */
  userId?: string;
  /** Client metadata for a "your sessions" page. */
  ip?: string;
  userAgent?: string;
  /** Application data: anything JSON-serialisable (passport, flash messages, CSRF secret...). */
  data: Record<string, unknown>;
}

export interface SessionLifetime {
  /** Without activity for this long, the session ends (slides on every touch). */
  idleTtlMs: number;
  /** From `createdAt`, the session ends after this long whatever its activity. */
  absoluteTtlMs: number;
}

/** The lifetime from the session part of the app's config (one derivation, for every store). */
export function sessionLifetime(config: { idleTtlMs: number; absoluteTtlMs: number }): SessionLifetime {
  return { idleTtlMs: config.idleTtlMs, absoluteTtlMs: config.absoluteTtlMs };
}

/** The instant a record stops being valid: the earlier of its idle and absolute deadlines. */
export function expiresAt(record: Pick<SessionRecord, 'createdAt' | 'lastSeenAt'>, lifetime: SessionLifetime): number {
  return Math.min(record.lastSeenAt + lifetime.idleTtlMs, record.createdAt + lifetime.absoluteTtlMs);
}

/**
 * Data read back from a store is untrusted (truncated file, edited key, older format): anything
 * that is not a well-formed record reads as "no session".
 */
export function parseRecord(json: string): SessionRecord | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') {
    return null;
  }
  const r = value as Record<string, unknown>;
  if (
    typeof r.createdAt !== 'number' ||
    typeof r.lastSeenAt !== 'number' ||
    !r.data ||
    typeof r.data !== 'object' ||
    Array.isArray(r.data) ||
    (r.userId !== undefined && typeof r.userId !== 'string')
  ) {
    return null;
  }
  return r as unknown as SessionRecord;
}
