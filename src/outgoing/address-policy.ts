import { BlockList, isIP } from 'node:net';
import type { OutgoingAllowList } from '../config/settings.js';

/**
 * Networks that are not the public internet: unspecified, "this network", private (RFC 1918),
 * shared (RFC 6598), loopback, link-local (where cloud metadata services answer), IETF
 * protocol assignments, benchmarking, multicast and reserved; for IPv6 also unique-local,
 * site-local and NAT64 local use. Node's BlockList matches IPv4-mapped IPv6 addresses
 * (`::ffff:127.0.0.1`) against the IPv4 ranges.
 */
const NON_PUBLIC_NETWORKS: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

/** IPv6 prefixes that carry an IPv4 address in their last 32 bits (NAT64, RFC 6052) or bits 16-48 (6to4). */
const NAT64_PREFIX = /^64:ff9b::/i;
const SIX_TO_FOUR_PREFIX = /^2002:/i;

export interface AddressPolicy {
  /** Whether a request to `hostname` may connect to `address` (an IP address). */
  allows(hostname: string, address: string): boolean;
}

/**
 * Public addresses are always allowed; any other only when the allow list names the host or
 * a network holding the address.
 */
export function createAddressPolicy(allowList: OutgoingAllowList): AddressPolicy {
  const nonPublic = new BlockList();
  for (const [network, prefix, family] of NON_PUBLIC_NETWORKS) {
    nonPublic.addSubnet(network, prefix, family);
  }
  const allowed = new BlockList();
  for (const { address, prefixLength, family } of allowList.networks) {
    allowed.addSubnet(address, prefixLength, family);
  }
  const allowedHosts = new Set(allowList.hosts);

  const isNonPublic = (address: string): boolean => {
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (nonPublic.check(address, family)) return true;
    const embedded = family === 'ipv6' ? embeddedIpv4(address) : null;
    return embedded !== null && nonPublic.check(embedded, 'ipv4');
  };

  return {
    allows(hostname, address) {
      if (isIP(address) === 0) return false;
      if (!isNonPublic(address)) return true;
      const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      return allowedHosts.has(hostname.toLowerCase()) || allowed.check(address, family);
    },
  };
}

/** The IPv4 address a NAT64 or 6to4 IPv6 address stands for, else null. */
function embeddedIpv4(address: string): string | null {
  const groups = expandIpv6(address);
  if (!groups) return null;
  if (NAT64_PREFIX.test(address)) return ipv4From(groups[6], groups[7]);
  if (SIX_TO_FOUR_PREFIX.test(address)) return ipv4From(groups[1], groups[2]);
  return null;
}

function ipv4From(high = 0, low = 0): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail included). */
function expandIpv6(address: string): number[] | null {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.split('.').map(Number);
    text = `${text.slice(0, -dotted.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  return [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups].map((group) =>
    Number.parseInt(group, 16),
  );
}
