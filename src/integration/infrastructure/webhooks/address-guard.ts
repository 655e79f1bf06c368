import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Why a receiver may not be at `address` (loopback, private, link-local, which includes the
 * cloud metadata service at 169.254.169.254, unique-local, carrier-grade NAT, multicast,
 * reserved, ...), or `undefined` for a public unicast address. IPv4-mapped IPv6 addresses are
 * judged as the IPv4 address they carry.
 */
export function forbiddenAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const range = ipaddr.process(address).range();
  return range === 'unicast' ? undefined : `${address} is a ${range} address`;
}

/** The host of a URL as an IP address when it is a literal one (`[::1]` → `::1`). */
export function literalAddress(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) === 0 ? undefined : host;
}

export class ForbiddenAddressError extends Error {
  readonly code = 'EFORBIDDENADDRESS';
  constructor(
    readonly hostname: string,
    readonly reason: string,
  ) {
    super(`${hostname} is refused: ${reason}`);
    this.name = 'ForbiddenAddressError';
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

export type Resolve = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for the HTTP agent: the addresses a connection will actually be made to are the
 * ones checked here, after resolution, so a name that resolves to an allowed address at
 * creation and to a private one later (DNS rebinding) is refused when it matters. A name with
 * any forbidden address is refused as a whole.
 */
export function guardedLookup(resolve: Resolve = dnsLookup) {
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const reason = forbiddenAddress(address);
        if (reason) return callback(new ForbiddenAddressError(hostname, reason), '', 0);
      }
      const first = addresses[0];
      if (!first) return callback(new ForbiddenAddressError(hostname, 'no address'), '', 0);
      if (options.all === true) return callback(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}

/** Resolves `hostname` and says why it may not be used, or `undefined` when all is well. */
export function checkHostname(
  hostname: string,
  resolve: Resolve = dnsLookup,
): Promise<string | undefined> {
  return new Promise((done) => {
    guardedLookup(resolve)(hostname, { all: true }, (error) => {
      done(error instanceof ForbiddenAddressError ? error.reason : undefined);
    });
  });
}
