import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicaliseUrl, registeredDomainOf } from '../../src/services/hotline/url-canonical.js';
import { UserError } from '../../src/services/errors.js';

/**
 * The canonicalisation examples published with Google's Safe Browsing / Web Risk "URLs and hashing" documentation
 * that our rules share, verbatim.
 */
const SAFE_BROWSING_VECTORS: [string, string][] = [
  ['http://host/%25%32%35', 'http://host/%25'],
  ['http://host/%25%32%35%25%32%35', 'http://host/%25%25'],
  ['http://host/%2525252525252525', 'http://host/%25'],
  ['http://host/asdf%25%32%35asd', 'http://host/asdf%25asd'],
  ['http://host/%%%25%32%35asd%%', 'http://host/%25%25%25asd%25%25'],
  ['http://www.google.com/', 'http://www.google.com/'],
  [
    'http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/',
    'http://168.188.99.26/.secure/www.ebay.com/',
  ],
  [
    'http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/',
    'http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/',
  ],
  ['http://3279880203/blah', 'http://195.127.0.11/blah'],
  ['http://www.google.com/blah/..', 'http://www.google.com/'],
  ['www.google.com/', 'http://www.google.com/'],
  ['www.google.com', 'http://www.google.com/'],
  ['http://www.evil.com/blah#frag', 'http://www.evil.com/blah'],
  ['http://www.GOOgle.com/', 'http://www.google.com/'],
  ['http://www.google.com.../', 'http://www.google.com/'],
  ['http://www.google.com/foo\tbar\rbaz\n2', 'http://www.google.com/foobarbaz2'],
  ['http://www.google.com/q?', 'http://www.google.com/q?'],
  ['http://www.google.com/q?r?', 'http://www.google.com/q?r?'],
  ['http://www.google.com/q?r?s', 'http://www.google.com/q?r?s'],
  ['http://evil.com/foo#bar#baz', 'http://evil.com/foo'],
  ['http://evil.com/foo;', 'http://evil.com/foo;'],
  ['http://evil.com/foo?bar;', 'http://evil.com/foo?bar;'],
  ['http://notrailingslash.com', 'http://notrailingslash.com/'],
  ['  http://www.google.com/  ', 'http://www.google.com/'],
  ['https://www.securesite.com/', 'https://www.securesite.com/'],
  ['http://host.com/ab%23cd', 'http://host.com/ab%23cd'],
  ['http://host.com//twoslashes?more//slashes', 'http://host.com/twoslashes?more//slashes'],
];

test('Safe Browsing documented canonicalisation examples', () => {
  for (const [input, expected] of SAFE_BROWSING_VECTORS) {
    assert.equal(canonicaliseUrl(input).canonical, expected, `canonicalise(${JSON.stringify(input)})`);
  }
});

test('documented example with an escaped "#" in the host: path rules hold, the host is refused (deviation)', () => {
  // Google: "http://host%23.com/%257Ea%2521b..." -> "http://host%23.com/~a!b@c%23d$e%25f^00&11*22(33)44_55+".
  // We refuse "host#.com" (no DNS name can hold "#"), so the same path is checked under a valid host.
  const path = '/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_55%252B';
  assert.equal(canonicaliseUrl(`http://host.com${path}`).canonical, 'http://host.com/~a!b@c%23d$e%25f^00&11*22(33)44_55+');
  assert.throws(() => canonicaliseUrl(`http://host%23.com${path}`), userError(/invalid character "#"/));
});

test('documented examples where we deliberately deviate', () => {
  // Safe Browsing drops every port ("http://www.gotaport.com:1234/" -> "http://www.gotaport.com/"); we keep
  // non-default ports because another port may be another server.
  assert.equal(canonicaliseUrl('http://www.gotaport.com:1234/').canonical, 'http://www.gotaport.com:1234/');
  // Safe Browsing escapes spaces and control bytes in hosts ("http://%20leadingspace.com/"); we refuse them.
  for (const input of ['http:// leadingspace.com/', 'http://%20leadingspace.com/', '%20leadingspace.com/']) {
    assert.throws(() => canonicaliseUrl(input), userError(/host contains spaces/), input);
  }
  assert.throws(() => canonicaliseUrl('http://\x01\x80.com/'), userError(/host/));
});

test('case, default ports and empty port', () => {
  assert.equal(canonicaliseUrl('HTTP://WWW.Example.COM/Path/File.HTML').canonical, 'http://www.example.com/Path/File.HTML');
  assert.equal(canonicaliseUrl('http://www.google.com:80/').canonical, 'http://www.google.com/');
  assert.equal(canonicaliseUrl('https://www.google.com:443/').canonical, 'https://www.google.com/');
  assert.equal(canonicaliseUrl('http://www.google.com:443/').canonical, 'http://www.google.com:443/');
  assert.equal(canonicaliseUrl('https://www.google.com:80/').canonical, 'https://www.google.com:80/');
  assert.equal(canonicaliseUrl('http://www.google.com:/').canonical, 'http://www.google.com/');
  const u = canonicaliseUrl('example.com:8080/a');
  assert.equal(u.canonical, 'http://example.com:8080/a');
  assert.equal(u.port, 8080);
  assert.equal(canonicaliseUrl('https://example.com:443/x').port, null);
});

test('dot segments, slashes, trailing slash and query', () => {
  const cases: [string, string][] = [
    ['http://a.com/../b', 'http://a.com/b'],
    ['http://a.com/x/./y/../z/', 'http://a.com/x/z/'],
    ['http://a.com/x/.', 'http://a.com/x'],
    ['http://a.com/x//y///z', 'http://a.com/x/y/z'],
    ['http://a.com/x/%2e%2E/y', 'http://a.com/y'],
    ['http://a.com?q=1', 'http://a.com/?q=1'],
    ['http://a.com/p?a b=%41#frag', 'http://a.com/p?a%20b=A'],
    ['http://a.com/p?x=/../y', 'http://a.com/p?x=/../y'],
    ['http://a.com/%E2%82%AC', 'http://a.com/%E2%82%AC'],
    ['http://a.com/€?€', 'http://a.com/%E2%82%AC?%E2%82%AC'],
    ['http://a.com/%7e', 'http://a.com/~'],
    ['//a.com/x', 'http://a.com/x'],
  ];
  for (const [input, expected] of cases) assert.equal(canonicaliseUrl(input).canonical, expected, input);
  const u = canonicaliseUrl('http://a.com/p/q?x=1');
  assert.equal(u.path, '/p/q');
  assert.equal(u.query, 'x=1');
  assert.equal(canonicaliseUrl('http://a.com/p').query, null);
  assert.equal(canonicaliseUrl('http://a.com/p?').query, '');
});

test('IPv4 forms normalised to dotted decimal', () => {
  const cases: [string, string][] = [
    ['http://0x7f.1/', 'http://127.0.0.1/'],
    ['http://0xC37F000B/', 'http://195.127.0.11/'],
    ['http://0303.0177.0.013/', 'http://195.127.0.11/'],
    ['http://195.127.11/', 'http://195.127.0.11/'],
    ['http://10.1/', 'http://10.0.0.1/'],
    ['http://1.2.3.4./', 'http://1.2.3.4/'],
    ['http://0x10203040/', 'http://16.32.48.64/'],
  ];
  for (const [input, expected] of cases) {
    const u = canonicaliseUrl(input);
    assert.equal(u.canonical, expected, input);
    assert.equal(u.isIp, true);
    assert.equal(u.registeredDomain, u.host);
  }
  for (const bad of ['http://256.1.1.1/', 'http://1.2.3.4.5/', 'http://08.1.1.1/', 'http://4294967296/', 'http://1.2.65536/']) {
    assert.throws(() => canonicaliseUrl(bad), userError(/looks like an IPv4 address/), bad);
  }
  assert.equal(canonicaliseUrl('http://1.2.3.com/').isIp, false);
});

test('IPv6 hosts: bracketed, compressed, lower case; mapped and NAT64 become IPv4', () => {
  const u = canonicaliseUrl('http://[2001:0DB8:0000:0000::1]:8080/x');
  assert.equal(u.canonical, 'http://[2001:db8::1]:8080/x');
  assert.equal(u.host, '2001:db8::1');
  assert.equal(u.isIp, true);
  assert.equal(canonicaliseUrl('https://[::1]:443/').canonical, 'https://[::1]/');
  assert.equal(canonicaliseUrl('http://[::ffff:1.2.3.4]/').canonical, 'http://1.2.3.4/');
  assert.equal(canonicaliseUrl('http://[64:ff9b::1.2.3.4]/').canonical, 'http://1.2.3.4/');
  assert.throws(() => canonicaliseUrl('http://[2001:db8::zz]/'), userError(/not a valid IPv6/));
  assert.throws(() => canonicaliseUrl('http://[fe80::1%25eth0]/'), userError(/zone/));
  assert.throws(() => canonicaliseUrl('http://[::1/'), userError(/missing "\]"/));
  assert.throws(() => canonicaliseUrl('http://2001:db8::1/'), userError(/brackets/));
});

test('IDN hosts become punycode', () => {
  const u = canonicaliseUrl('http://Bücher.example/ä');
  assert.equal(u.host, 'xn--bcher-kva.example');
  assert.equal(u.canonical, 'http://xn--bcher-kva.example/%C3%A4');
  assert.equal(canonicaliseUrl('http://b%C3%BCcher.example/').canonical, 'http://xn--bcher-kva.example/');
  assert.equal(canonicaliseUrl('http://xn--bcher-kva.example/').canonical, 'http://xn--bcher-kva.example/');
  assert.equal(canonicaliseUrl('http://例え。テスト/').host, 'xn--r8jz45g.xn--zckzah');
  assert.throws(() => canonicaliseUrl('http://xn--zz.example/'), userError(/punycode/));
});

test('userinfo dropped but recorded; localhost accepted', () => {
  const u = canonicaliseUrl('http://user:secret@Example.com/a');
  assert.equal(u.canonical, 'http://example.com/a');
  assert.equal(u.hadUserinfo, true);
  assert.equal(canonicaliseUrl('http://example.com/a').hadUserinfo, false);
  assert.equal(canonicaliseUrl('http://a@b@example.com/').host, 'example.com');
  assert.equal(canonicaliseUrl('http://localhost:3000/x').canonical, 'http://localhost:3000/x');
  assert.equal(canonicaliseUrl('localhost').canonical, 'http://localhost/');
});

test('registered domain: one-label suffixes and the built-in multi-label list', () => {
  assert.equal(canonicaliseUrl('http://a.b.example.com/').registeredDomain, 'example.com');
  assert.equal(canonicaliseUrl('http://www.bbc.co.uk/').registeredDomain, 'bbc.co.uk');
  assert.equal(canonicaliseUrl('http://x.y.abc.com.au/').registeredDomain, 'abc.com.au');
  assert.equal(canonicaliseUrl('http://someone.blogspot.com/').registeredDomain, 'someone.blogspot.com');
  assert.equal(canonicaliseUrl('http://example.com/').registeredDomain, 'example.com');
  assert.equal(registeredDomainOf('localhost'), 'localhost');
  assert.equal(registeredDomainOf('co.uk'), 'co.uk');
  assert.equal(registeredDomainOf('example.co.jp'), 'example.co.jp');
});

test('different raw forms of one URL share canonical form and sha256', () => {
  const forms = [
    'http://www.example.com/a/b',
    'HTTP://WWW.EXAMPLE.COM:80/a/./b#top',
    'www.example.com/a/x/../b',
    '  http://www.example.com.//a//b\n',
    'http://www.%65xample.com/%61/b',
    'http://user@www.example.com/a/b',
  ];
  const results = forms.map(canonicaliseUrl);
  const expectedHash = createHash('sha256').update('http://www.example.com/a/b').digest('hex');
  for (const r of results) {
    assert.equal(r.canonical, 'http://www.example.com/a/b', r.raw);
    assert.equal(r.sha256, expectedHash);
  }
  assert.equal(results[1]?.raw, forms[1]);
  assert.notEqual(canonicaliseUrl('https://www.example.com/a/b').sha256, expectedHash);
  assert.notEqual(canonicaliseUrl('http://www.example.com/a/b?').sha256, expectedHash);
  assert.match(expectedHash, /^[0-9a-f]{64}$/);
});

test('malformed input gets a specific UserError', () => {
  const cases: [string, RegExp][] = [
    ['', /URL is empty/],
    ['   \t ', /URL is empty/],
    [`http://example.com/${'a'.repeat(2048)}`, /longer than 2048/],
    ['ftp://example.com/file', /only http and https/],
    ['javascript:alert(1)', /only http and https/],
    ['mailto:someone@example.com', /only http and https/],
    ['data:text/plain,hello', /only http and https/],
    ['FTP://example.com/', /only http and https URLs can be reported \(this one starts with "ftp:"\)/],
    ['http:/example.com/', /must be followed by "\/\/"/],
    ['http://', /no host/],
    ['http:///path', /no host/],
    ['http://.../', /no host/],
    ['http://user@/', /no host/],
    ['http://exa mple.com/', /spaces/],
    ['http://exa%09mple.com/', /spaces or control/],
    ['http://ex*ample.com/', /invalid character "\*"/],
    ['http://ex\\ample.com/', /invalid character "\\"/],
    ['http://example.com:0/', /out of range/],
    ['http://example.com:65536/', /out of range/],
    ['http://example.com:80a/', /not a number/],
    ['http://ex%FFample.com/', /not valid UTF-8/],
    [`http://${'a'.repeat(64)}.com/`, /longer than 63/],
    [`http://${Array.from({ length: 60 }, () => 'abcd').join('.')}.com/`, /longer than 253/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => canonicaliseUrl(input), userError(message), JSON.stringify(input.slice(0, 60)));
  }
  assert.equal(canonicaliseUrl(`http://example.com/${'a'.repeat(2020)}`).path.length, 2021);
});

function userError(message: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof UserError && message.test(e.message);
}
