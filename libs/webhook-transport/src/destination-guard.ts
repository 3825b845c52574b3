import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface DestinationPolicy {
  /** Loopback receivers (and plain http to them) for tests and the local demo; off in production. */
  allowLoopback: boolean;
}

export class UnsafeDestinationError extends Error {
  override name = 'UnsafeDestinationError';
}

/**
 * Only globally routable unicast addresses are reachable. ipaddr.js classifies private,
 * loopback, link-local (cloud metadata 169.254.169.254 included), unique-local, CGNAT,
 * multicast, reserved and the like; IPv4-mapped IPv6 is judged as the IPv4 address it carries.
 */
export function isForbiddenAddress(address: string, policy: DestinationPolicy): boolean {
  const range = rangeOf(address);
  if (range === 'unicast') return false;
  return !(policy.allowLoopback && range === 'loopback');
}

/** ipaddr.js's range name, judging IPv4-mapped IPv6 as the IPv4 address it carries; null if not an IP. */
function rangeOf(address: string): string | null {
  if (!ipaddr.isValid(address)) return null;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range();
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Checks what can be known without DNS: a parseable https URL, and an allowed address if it is an IP literal. */
export function checkDestinationUrl(raw: string, policy: DestinationPolicy): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeDestinationError('is not a valid URL');
  }
  const host = hostOf(url);
  const loopbackHttp = policy.allowLoopback && url.protocol === 'http:' && (host === 'localhost' || rangeOf(host) === 'loopback');
  if (url.protocol !== 'https:' && !loopbackHttp) throw new UnsafeDestinationError('must use https');
  if (url.username || url.password) throw new UnsafeDestinationError('must not carry credentials');
  if (isIP(host) && isForbiddenAddress(host, policy)) throw new UnsafeDestinationError(`address ${host} is not publicly routable`);
  return url;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A dns.lookup replacement for the socket layer: resolves, then refuses the connection when any
 * answer is not allowed. Checking at connect time (not only when a URL is saved) defeats DNS
 * rebinding, since the address checked is the address connected to.
 */
export function guardedLookup(policy: DestinationPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      const forbidden = list.find((a) => isForbiddenAddress(a.address, policy));
      if (forbidden || list.length === 0) {
        const refusal = Object.assign(new UnsafeDestinationError(`${hostname} resolves to ${forbidden?.address ?? 'nothing'}, which is not publicly routable`), { code: 'EADDRNOTALLOWED' });
        return callback(refusal, []);
      }
      if (options.all) return callback(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

/** Resolves a host now and checks every answer: the admin API's check when a URL is saved. */
export async function checkResolvedDestination(raw: string, policy: DestinationPolicy): Promise<URL> {
  const url = checkDestinationUrl(raw, policy);
  const host = hostOf(url);
  if (isIP(host)) return url;
  await new Promise<void>((resolve, reject) =>
    guardedLookup(policy)(host, { all: true }, (error) => (error ? reject(error instanceof UnsafeDestinationError ? error : new UnsafeDestinationError(`${host} does not resolve`)) : resolve())),
  );
  return url;
}
