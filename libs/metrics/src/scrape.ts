import { createHash, timingSafeEqual } from 'node:crypto';
import { registry, startDefaultMetrics } from './registry.js';
import './sources.js';

export interface Scrape {
  readonly contentType: string;
  readonly body: string;
}

/** Everything this process measures, in Prometheus' text format. */
export async function scrape(): Promise<Scrape> {
  startDefaultMetrics();
  return { contentType: registry.contentType, body: await registry.metrics() };
}

/**
 * Whether `authorization` is `Bearer <token>`. Compared as digests, in constant time: the length
 * of the expected token leaks nothing either.
 */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) {
    return false;
  }
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}
