import { describe, expect, it } from 'vitest';
import { createAddressPolicy } from '../../src/outgoing/address-policy.js';

const nothingAllowed = createAddressPolicy({ hosts: [], networks: [] });

describe('createAddressPolicy', () => {
  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(nothingAllowed.allows('lms.example', address)).toBe(true);
    },
  );

  it.each([
    ['unspecified', '0.0.0.0'],
    ['"this network"', '0.1.2.3'],
    ['private', '10.1.2.3'],
    ['private', '172.16.0.1'],
    ['private', '192.168.1.1'],
    ['shared (carrier-grade NAT)', '100.64.0.1'],
    ['loopback', '127.0.0.1'],
    ['loopback', '127.255.0.9'],
    ['link-local (cloud metadata)', '169.254.169.254'],
    ['multicast', '224.0.0.1'],
    ['broadcast', '255.255.255.255'],
    ['unspecified IPv6', '::'],
    ['loopback IPv6', '::1'],
    ['link-local IPv6', 'fe80::1'],
    ['unique-local IPv6', 'fd12:3456::1'],
    ['multicast IPv6', 'ff02::1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback in hex', '::ffff:7f00:1'],
    ['IPv4-mapped metadata address', '::ffff:169.254.169.254'],
    ['NAT64 of loopback', '64:ff9b::7f00:1'],
    ['6to4 of a private address', '2002:a00:1::1'],
  ])('refuses a %s address (%s) that is not listed', (_kind, address) => {
    expect(nothingAllowed.allows('lms.example', address)).toBe(false);
  });

  it('allows a non-public address inside a listed network, and no other', () => {
    const policy = createAddressPolicy({
      hosts: [],
      networks: [
        { address: '127.0.0.0', prefixLength: 8, family: 'ipv4' },
        { address: '::1', prefixLength: 128, family: 'ipv6' },
      ],
    });
    expect(policy.allows('anything', '127.0.0.1')).toBe(true);
    expect(policy.allows('anything', '::ffff:127.0.0.1')).toBe(true);
    expect(policy.allows('anything', '::1')).toBe(true);
    expect(policy.allows('anything', '10.0.0.1')).toBe(false);
    expect(policy.allows('anything', '169.254.169.254')).toBe(false);
  });

  it('allows any address of a listed host name, and only for that name', () => {
    const policy = createAddressPolicy({ hosts: ['moodle.internal'], networks: [] });
    expect(policy.allows('moodle.internal', '10.0.0.5')).toBe(true);
    expect(policy.allows('MOODLE.internal', '10.0.0.5')).toBe(true);
    expect(policy.allows('other.internal', '10.0.0.5')).toBe(false);
  });

  it('refuses what is not an IP address', () => {
    expect(nothingAllowed.allows('lms.example', 'lms.example')).toBe(false);
  });
});
