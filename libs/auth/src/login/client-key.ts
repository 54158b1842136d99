import { isIPv4, isIPv6 } from 'node:net';

/**
 * Who the login throttle counts as one client: an IPv4 address, or an IPv6 client's /64. One
 * subscriber, host or VM usually holds a whole /64 (SLAAC, privacy addresses), so counting single
 * IPv6 addresses would hand an attacker 2^64 fresh counters. IPv4-mapped IPv6 addresses (what a
 * dual-stack socket reports for an IPv4 peer) count as their IPv4 address.
 *
 * `ip` is Express's `req.ip`, already chosen through the trusted proxy hops; anything that is not
 * an address (a proxy that forwards garbage) is its own client, as written.
 */
export function clientKey(ip: string | undefined): string {
  const address = (ip ?? '').trim();
  if (isIPv4(address)) {
    return address;
  }
  const zoneless = address.split('%')[0];
  if (!isIPv6(zoneless)) {
    return address === '' ? 'unknown' : `other:${address}`;
  }
  const groups = ipv6Groups(zoneless);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (checked by the caller). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const front = head ? head.split(':') : [];
  const back = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array.from({ length: 8 - front.length - back.length }, () => '0');
  return [...front, ...zeros, ...back].map((g) => parseInt(g, 16));
}
