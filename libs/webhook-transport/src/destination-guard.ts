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
 * multicast, reserved and the like; an IPv6 address that embeds an IPv4 address is judged as
 * that IPv4 address (see embeddedIPv4). The one rule for saving a URL and for connecting.
 */
export function isForbiddenAddress(address: string, policy: DestinationPolicy): boolean {
  const range = rangeOf(address);
  if (range === 'unicast') return false;
  return !(policy.allowLoopback && range === 'loopback');
}

/** ipaddr.js's range name, IPv6 forms that carry an IPv4 address judged by it; null if not an IP. */
function rangeOf(address: string): string | null {
  if (!ipaddr.isValid(address)) return null;
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') return parsed.range();
  const ipv6 = parsed as ipaddr.IPv6;
  const range = ipv6.range();
  if (range === 'loopback' || range === 'unspecified') return range;
  const embedded = embeddedIPv4(ipv6);
  if (embedded === 'local-use') return 'reserved';
  if (embedded.length === 0) return range;
  return embedded.map((ipv4) => ipv4.range()).find((r) => r !== 'unicast') ?? 'unicast';
}

const ipv4Of = (high: number, low: number) => ipaddr.fromByteArray([high >> 8, high & 0xff, low >> 8, low & 0xff]) as ipaddr.IPv4;

/**
 * The IPv4 addresses an IPv6 address carries, which is where a packet to it ends up:
 * IPv4-compatible `::/96` (deprecated, but some stacks still route it), IPv4-mapped
 * `::ffff:0:0/96`, IPv4-translated `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96` (all in the last 32
 * bits), 6to4 `2002::/16` (bits 16–47) and Teredo `2001::/32` (the server in bits 32–63, the
 * client inverted in the last 32: both must be public). The local-use NAT64 prefix
 * `64:ff9b:1::/48` may embed its IPv4 address at several offsets and is never globally reachable,
 * so it is refused as a whole.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] | 'local-use' {
  const p = address.parts;
  const last32 = ipv4Of(p[6], p[7]);
  if (p[0] === 0 && p[1] === 0 && p[2] === 0 && p[3] === 0 && ((p[4] === 0 && (p[5] === 0 || p[5] === 0xffff)) || (p[4] === 0xffff && p[5] === 0))) return [last32];
  if (p[0] === 0x64 && p[1] === 0xff9b) return p[2] === 1 ? 'local-use' : p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0 ? [last32] : [];
  if (p[0] === 0x2002) return [ipv4Of(p[1], p[2])];
  if (p[0] === 0x2001 && p[1] === 0) return [ipv4Of(p[2], p[3]), ipv4Of(~p[6] & 0xffff, ~p[7] & 0xffff)];
  return [];
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

/**
 * Resolves a host (a name or an IP literal, IPv6 without brackets) now and checks every answer:
 * the admin API's check when a webhook URL or an SMTP host is saved. The sockets check again at
 * connect time.
 */
export async function checkResolvedHost(host: string, policy: DestinationPolicy): Promise<void> {
  if (isIP(host)) {
    if (isForbiddenAddress(host, policy)) throw new UnsafeDestinationError(`address ${host} is not publicly routable`);
    return;
  }
  await new Promise<void>((resolve, reject) =>
    guardedLookup(policy)(host, { all: true }, (error) => (error ? reject(error instanceof UnsafeDestinationError ? error : new UnsafeDestinationError(`${host} does not resolve`)) : resolve())),
  );
}

/** checkDestinationUrl, then checkResolvedHost on its host. */
export async function checkResolvedDestination(raw: string, policy: DestinationPolicy): Promise<URL> {
  const url = checkDestinationUrl(raw, policy);
  await checkResolvedHost(hostOf(url), policy);
  return url;
}
