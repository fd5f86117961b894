import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AddressPolicy, canonicalAddress, isForbiddenAddress } from '../../src/adapters/hotline/address-policy.js';

/** [address, expected reason or null for public]. */
const V4_CASES: [string, string | null][] = [
  ['0.0.0.0', 'unspecified'],
  ['0.255.255.255', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['100.127.255.254', 'carrier-grade NAT'],
  ['100.100.100.200', 'carrier-grade NAT'],
  ['100.63.255.255', null],
  ['100.128.0.0', null],
  ['127.0.0.1', 'loopback'],
  ['127.0.0.2', 'loopback'],
  ['127.255.255.255', 'loopback'],
  ['169.254.169.254', 'metadata'],
  ['169.254.170.2', 'link-local'],
  ['169.254.0.1', 'link-local'],
  ['172.15.255.255', null],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.0', null],
  ['192.0.0.1', 'reserved'],
  ['192.0.0.192', 'metadata'],
  ['192.0.2.10', 'documentation'],
  ['192.88.99.1', 'reserved'],
  ['192.167.255.255', null],
  ['192.168.1.10', 'private'],
  ['198.18.0.1', 'reserved'],
  ['198.19.255.255', 'reserved'],
  ['198.20.0.0', null],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.200', 'documentation'],
  ['168.63.129.16', 'metadata'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['1.1.1.1', null],
  ['8.8.8.8', null],
  ['93.184.215.14', null],
  ['223.255.255.255', null],
];

const V6_CASES: [string, string | null][] = [
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['[::1]', 'loopback'],
  ['fd00:ec2::254', 'metadata'],
  ['fd00:ec2::253', 'unique local'],
  ['fc00::1', 'unique local'],
  ['fdff:ffff::1', 'unique local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['fec0::1', 'site-local'],
  ['ff02::1', 'multicast'],
  ['ff05::1:3', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['2001:db8:ffff::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['100::1', 'reserved'],
  ['2001::1', 'reserved'],
  ['2001:2::1', 'reserved'],
  ['2001:20::1', 'reserved'],
  ['5f00::1', 'reserved'],
  ['::7f00:1', 'reserved'], // deprecated IPv4-compatible ::127.0.0.1
  ['::ffff:0:7f00:1', 'reserved'], // IPv4-translated
  ['4000::1', 'reserved'], // outside 2000::/3
  ['64:ff9b:1::a00:1', 'private'],
  ['2606:4700:4700::1111', null],
  ['2a00:1450:4001:82a::200e', null],
  ['2001:4860:4860::8888', null],
];

/** Addresses embedding an IPv4 address are judged by it. */
const EMBEDDED_CASES: [string, string | null][] = [
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:7f00:1', 'IPv4-mapped loopback'],
  ['::ffff:10.0.0.1', 'IPv4-mapped private'],
  ['::ffff:192.168.1.10', 'IPv4-mapped private'],
  ['::ffff:169.254.169.254', 'IPv4-mapped metadata'],
  ['::ffff:100.64.0.1', 'IPv4-mapped carrier-grade NAT'],
  ['::ffff:0.0.0.0', 'IPv4-mapped unspecified'],
  ['::ffff:8.8.8.8', null],
  ['64:ff9b::10.0.0.1', 'NAT64 private'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 metadata'],
  ['64:ff9b::8.8.8.8', null],
  ['2002:c0a8:010a::1', '6to4 private'],
  ['2002:7f00:1::', '6to4 loopback'],
  ['2002:0808:0808::1', null],
];

describe('isForbiddenAddress', () => {
  for (const [group, cases] of [['IPv4', V4_CASES], ['IPv6', V6_CASES], ['embedded IPv4', EMBEDDED_CASES]] as const) {
    it(`classifies ${group} addresses`, () => {
      for (const [ip, reason] of cases) assert.equal(isForbiddenAddress(ip), reason, ip);
    });
  }

  it('refuses what is not a literal address (fail closed)', () => {
    for (const text of ['', 'localhost', 'host.test', '1.2.3', '256.1.1.1', '1.2.3.4.5', '::ffff::1', 'fe80::1::2', ' 8.8.8.8']) {
      assert.equal(isForbiddenAddress(text), 'not an IP address', JSON.stringify(text));
    }
  });

  it('leaves other numeric spellings to the URL parser (not accepted here)', () => {
    for (const text of ['2130706433', '0x7f000001', '0177.0.0.1', '127.1']) {
      assert.equal(isForbiddenAddress(text), 'not an IP address', text);
    }
  });
});

describe('canonicalAddress', () => {
  it('gives one spelling per address', () => {
    assert.equal(canonicalAddress('0:0:0:0:0:0:0:1'), '::1');
    assert.equal(canonicalAddress('[::1]'), '::1');
    assert.equal(canonicalAddress('2001:DB8:0:0::1'), '2001:db8::1');
    assert.equal(canonicalAddress('127.0.0.1'), '127.0.0.1');
    assert.equal(canonicalAddress('host.test'), null);
  });
});

describe('AddressPolicy', () => {
  it('allows exactly the listed addresses and nothing around them', () => {
    const policy = new AddressPolicy(['127.0.0.1']);
    assert.equal(policy.check('127.0.0.1'), null);
    assert.equal(policy.check('127.0.0.2'), 'loopback');
    assert.equal(policy.check('::1'), 'loopback');
    assert.equal(policy.check('::ffff:127.0.0.1'), 'IPv4-mapped loopback');
    assert.equal(policy.check('169.254.169.254'), 'metadata');
    assert.equal(policy.check('8.8.8.8'), null);
  });

  it('matches allowed IPv6 addresses whatever their spelling', () => {
    const policy = new AddressPolicy(['0:0:0:0:0:0:0:1']);
    assert.equal(policy.check('::1'), null);
    assert.equal(policy.check('[::1]'), null);
    assert.equal(policy.check('127.0.0.1'), 'loopback');
  });

  it('with no allow list is exactly isForbiddenAddress', () => {
    const policy = new AddressPolicy([]);
    for (const [ip, reason] of [...V4_CASES, ...V6_CASES, ...EMBEDDED_CASES]) assert.equal(policy.check(ip), reason, ip);
  });

  it('rejects a malformed allow list entry at construction', () => {
    assert.throws(() => new AddressPolicy(['localhost']), /not an IP address/);
  });
});
