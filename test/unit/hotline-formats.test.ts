import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { UserError } from '../../src/services/errors.js';
import { buildXarfChildAbuseReport, noticeEmail, validateXarf, type XarfChildAbuseInput } from '../../src/formats/hotline/xarf.js';
import { buildHashList, buildRpzZone, buildUrlList, type RpzZoneInput } from '../../src/formats/hotline/rpz.js';
import { buildIccamExport, type PartnerExportRecord } from '../../src/formats/hotline/iccam-export.js';
import { buildLeaPackageJson, buildLeaPackagePdf, type LeaPackage } from '../../src/formats/hotline/lea-package.js';
import { statsCsv } from '../../src/formats/hotline/stats-csv.js';

const SHA1_EMPTY = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const MD5_EMPTY = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA256_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const xarfInput: XarfChildAbuseInput = {
  reportId: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
  reporter: { org: 'Example Hotline', contact: 'ntd@hotline.example', domain: 'hotline.example' },
  sourceUrl: 'https://files.host.example/a/b?id=7',
  sourceIp: '192.0.2.44',
  occurredAt: '2026-11-30T08:15:00Z',
  classification: 'baseline',
  hashes: [
    { algorithm: 'MD5', hash: MD5_EMPTY.toUpperCase() },
    { algorithm: 'sha1', hash: SHA1_EMPTY },
    { algorithm: 'pdq', hash: 'f'.repeat(64) },
  ],
};

test('XARF v4 content/csam: exact field names, valid against the schema', () => {
  const r = buildXarfChildAbuseReport({ ...xarfInput, hosting: { asn: 64500, countryCode: 'nl', org: 'Host BV' }, detectionMethod: 'manual_review' });
  assert.deepEqual(validateXarf(r), []);
  assert.deepEqual(r, {
    xarf_version: '4.0.0',
    report_id: xarfInput.reportId,
    timestamp: '2026-11-30T08:15:00Z',
    reporter: xarfInput.reporter,
    sender: xarfInput.reporter,
    source_identifier: '192.0.2.44',
    category: 'content',
    type: 'csam',
    url: 'https://files.host.example/a/b?id=7',
    domain: 'files.host.example',
    classification: 'baseline',
    detection_method: 'manual_review',
    hash_values: { md5: MD5_EMPTY, sha1: SHA1_EMPTY },
    hosting_provider: 'Host BV',
    asn: 64500,
    country_code: 'NL',
  });
  // No evidence payloads ever, and pdq has no XARF field.
  assert.equal('evidence' in r, false);
  assert.equal(JSON.stringify(r).includes('ffffffff'), false);
});

test('XARF: defaults (sender = reporter, user_report, host name as source) and the separate sender', () => {
  const sender = { org: 'Winnow relay', contact: 'relay@relay.example', domain: 'relay.example' };
  const r = buildXarfChildAbuseReport({ ...xarfInput, sourceIp: null, hashes: undefined, sender });
  assert.equal(r.source_identifier, 'files.host.example');
  assert.equal(r.detection_method, 'user_report');
  assert.deepEqual(r.sender, sender);
  assert.equal('hash_values' in r, false);
  assert.deepEqual(validateXarf(r), []);
});

test('validateXarf reports missing fields, bad enums and bad formats', () => {
  const good = buildXarfChildAbuseReport(xarfInput) as unknown as Record<string, unknown>;
  const { url: _url, ...noUrl } = good;
  assert.ok(validateXarf(noUrl).some((e) => e.includes("'url'")));
  assert.ok(validateXarf({ ...good, classification: 'national' }).some((e) => e.startsWith('/classification') && e.includes('A1')));
  assert.ok(validateXarf({ ...good, type: 'phishing' }).some((e) => e.startsWith('/type')));
  assert.ok(validateXarf({ ...good, report_id: 'R-1' }).some((e) => e.startsWith('/report_id')));
  assert.ok(validateXarf({ ...good, timestamp: 'yesterday' }).some((e) => e.startsWith('/timestamp')));
  assert.ok(validateXarf({ ...good, xarf_version: '3.0' }).some((e) => e.startsWith('/xarf_version')));
  assert.ok(validateXarf({ ...good, reporter: { org: 'x', contact: 'not-an-email', domain: 'x.example', extra: 1 } }).length >= 2);
  assert.ok(validateXarf({ ...good, hash_values: { md5: 'abc' } }).some((e) => e.startsWith('/hash_values/md5')));
  assert.notDeepEqual(validateXarf({}), []);
  assert.throws(() => buildXarfChildAbuseReport({ ...xarfInput, reportId: 'not-a-uuid' }), UserError);
  assert.throws(() => buildXarfChildAbuseReport({ ...xarfInput, sourceUrl: 'nope' }), UserError);
});

const noticeInput = {
  contactOrg: 'Host BV',
  urls: [
    { url: 'https://files.host.example/a', ip: '192.0.2.44', firstSeen: '2026-11-30T08:15:00Z', sequence: 1 },
    { url: 'https://files.host.example/b', ip: null, firstSeen: '2026-11-29T07:00:00Z', sequence: 3 },
  ],
  hotline: { name: 'Example Hotline', email: 'ntd@hotline.example', country: 'BE' },
  reference: 'NTD-2026-0042',
};

test('notice e-mail: English only, URLs, re-notice number, removal and preservation request', () => {
  const { subject, text } = noticeEmail({ ...noticeInput, language: 'en' });
  assert.match(subject, /^\[NTD-2026-0042\] Child sexual abuse material .*\(re-notice 2\)$/);
  assert.ok(text.includes('1. URL: https://files.host.example/a'));
  assert.ok(text.includes('2. URL: https://files.host.example/b'));
  assert.ok(text.includes('IP address: 192.0.2.44'));
  assert.ok(text.includes('IP address: unknown'));
  assert.ok(text.includes('Notice: first notice'));
  assert.ok(text.includes('re-notice 2 (notice 3)'));
  assert.match(text, /remove the material/);
  assert.match(text, /preserve the associated data/);
  assert.match(text, /police/);
  assert.ok(text.includes('NTD-2026-0042'));
  assert.equal(text.split('Dear Host BV').length - 1, 1, 'English appears once');
  // The material is named only by its classification.
  for (const w of ['image', 'video', 'photo', 'depict', 'girl', 'boy', 'year']) assert.equal(text.toLowerCase().includes(w), false, w);
});

test('notice e-mail: each other language, followed by English', () => {
  const marks = { nl: 'Beste abuse-team van Host BV', fr: 'service abuse de Host BV', de: 'Sehr geehrtes Abuse-Team von Host BV' } as const;
  const words = { nl: 'herhaalde melding 2', fr: 'rappel 2', de: 'erneute Meldung 2' } as const;
  for (const lang of ['nl', 'fr', 'de'] as const) {
    const { subject, text } = noticeEmail({ ...noticeInput, language: lang });
    const local = text.indexOf(marks[lang]);
    const en = text.indexOf('Dear Host BV abuse team');
    assert.ok(local >= 0 && en > local, `${lang} first, then English`);
    assert.ok(text.includes(words[lang]), lang);
    assert.ok(subject.includes(`(${words[lang]})`), subject);
    assert.equal(text.split('https://files.host.example/b').length - 1, 2, 'URL listed in both languages');
  }
});

test('notice e-mail: line breaks in values cannot add lines; no URLs is an error', () => {
  const { subject, text } = noticeEmail({
    ...noticeInput,
    language: 'en',
    reference: 'R-1\r\nBcc: x@evil.example',
    urls: [{ url: 'https://a.example/\nInjected line', ip: null, firstSeen: 't', sequence: 1 }],
  });
  assert.equal(/[\r\n]/.test(subject), false);
  assert.equal(text.split('\n').some((l) => l.startsWith('Injected')), false);
  assert.throws(() => noticeEmail({ ...noticeInput, language: 'en', urls: [] }), UserError);
});

const rpz: RpzZoneInput = {
  origin: 'RPZ.Winnow.Example.',
  serial: 2026120401,
  domains: ['Bad-Domain.Example', 'bad-domain.example.', 'sub.bad-domain.example', 'bücher.example', 'another.test'],
  soa: { mname: 'ns1.winnow.example', rname: 'hostmaster@winnow.example' },
  generatedAt: '2026-12-04T12:00:00Z',
};

test('RPZ zone: header, $TTL, SOA, NS, then NXDOMAIN rules sorted, deduplicated, punycoded', () => {
  const lines = buildRpzZone(rpz).trimEnd().split('\n');
  assert.match(lines[0]!, /^; RPZ zone rpz\.winnow\.example/);
  assert.match(lines[1]!, /^; generated 2026-12-04T12:00:00Z .*; 3 domains$/);
  assert.deepEqual(lines.slice(2), [
    '$TTL 300',
    'rpz.winnow.example. IN SOA ns1.winnow.example. hostmaster.winnow.example. 2026120401 3600 600 604800 300',
    'rpz.winnow.example. IN NS ns1.winnow.example.',
    'another.test.rpz.winnow.example. CNAME .',
    '*.another.test.rpz.winnow.example. CNAME .',
    'bad-domain.example.rpz.winnow.example. CNAME .',
    '*.bad-domain.example.rpz.winnow.example. CNAME .',
    'xn--bcher-kva.example.rpz.winnow.example. CNAME .',
    '*.xn--bcher-kva.example.rpz.winnow.example. CNAME .',
  ]);
  const zone = buildRpzZone({ ...rpz, domains: [], ttl: 60, soa: { mname: 'ns1.winnow.example', rname: 'dns.admin@winnow.example' } });
  assert.ok(zone.includes('$TTL 60\n'));
  assert.ok(zone.includes(' dns\\.admin.winnow.example. '));
  assert.ok(zone.includes('; 0 domains'));
});

test('RPZ zone: invalid names, serials and TTLs are refused with UserError', () => {
  for (const bad of ['a..b.example', '-x.example', 'x-.example', 'http://x.example/', 'with space.example', 'com', '192.0.2.1', '*.x.example', 'under_score.example', `${'a'.repeat(64)}.example`, '']) {
    assert.throws(() => buildRpzZone({ ...rpz, domains: [bad] }), (e: unknown) => e instanceof UserError && e.message.includes('RPZ domain'), bad);
  }
  assert.throws(() => buildRpzZone({ ...rpz, domains: [`${'a.'.repeat(120)}example`] }), UserError);
  assert.throws(() => buildRpzZone({ ...rpz, serial: 0 }), UserError);
  assert.throws(() => buildRpzZone({ ...rpz, serial: 2 ** 32 }), UserError);
  assert.throws(() => buildRpzZone({ ...rpz, ttl: -1 }), UserError);
  assert.throws(() => buildRpzZone({ ...rpz, origin: 'bad origin' }), UserError);
});

test('URL list and its SHA-256 form (hashes computed here)', () => {
  const urls = ['https://b.example/x', 'https://a.example/', '  https://b.example/x ', 'https://a.example/é'];
  const { text, sha256Text } = buildUrlList(urls);
  const expected = ['https://a.example/', 'https://a.example/é', 'https://b.example/x'];
  assert.equal(text, expected.join('\n') + '\n');
  const hashes = expected.map((u) => createHash('sha256').update(Buffer.from(u, 'utf8')).digest('hex')).sort();
  assert.equal(sha256Text, hashes.join('\n') + '\n');
  assert.deepEqual(buildUrlList([]), { text: '', sha256Text: '' });
  assert.throws(() => buildUrlList(['https://a.example/a b']), UserError);
});

test('hash list: CSV and JSONL, deduplicated, lower-cased, checked', () => {
  const rows = [
    { algorithm: 'SHA1', hash: SHA1_EMPTY.toUpperCase(), classification: 'baseline' },
    { algorithm: 'md5', hash: MD5_EMPTY, classification: 'national, "A"' },
    { algorithm: 'sha1', hash: SHA1_EMPTY, classification: 'baseline' },
    { algorithm: 'sha256', hash: SHA256_EMPTY, classification: 'baseline' },
  ];
  assert.equal(
    buildHashList(rows, 'csv'),
    `algorithm,hash,classification\r\nmd5,${MD5_EMPTY},"national, ""A"""\r\nsha1,${SHA1_EMPTY},baseline\r\nsha256,${SHA256_EMPTY},baseline\r\n`,
  );
  const jsonl = buildHashList(rows, 'jsonl').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(jsonl[0], { algorithm: 'md5', hash: MD5_EMPTY, classification: 'national, "A"' });
  assert.equal(jsonl.length, 3);
  assert.throws(() => buildHashList([{ algorithm: 'crc32', hash: 'abcd1234', classification: 'x' }], 'csv'), UserError);
  assert.throws(() => buildHashList([{ algorithm: 'md5', hash: SHA1_EMPTY, classification: 'x' }], 'csv'), UserError);
});

const partnerRecord: PartnerExportRecord = {
  externalRef: 'R-2026-0007',
  receivedAt: '2026-12-01T10:00:00Z',
  urls: ['https://img.host.example/1.jpg'],
  description: null,
  contentType: 'image',
  classification: 'baseline',
  hostingCountry: 'NL',
  hashes: [{ algorithm: 'sha1', hash: SHA1_EMPTY.toUpperCase() }],
  ip: '198.51.100.7',
  asn: 64501,
  hostingOrg: 'Host NL BV',
  assessedAt: '2026-12-01T12:00:00Z',
  ageGroup: null,
};

test('ICCAM-like export: winnow-iccam-1 shape, field order, nothing extra', () => {
  const leaky = { ...partnerRecord, reporterContact: 'me@private.example' } as PartnerExportRecord;
  const doc = JSON.parse(buildIccamExport({ hotline: 'Example Hotline', generatedAt: '2026-12-04T12:00:00Z', reports: [leaky] })) as {
    format: string; hotline: string; generatedAt: string; reports: Record<string, unknown>[];
  };
  assert.deepEqual(Object.keys(doc), ['format', 'hotline', 'generatedAt', 'reports']);
  assert.equal(doc.format, 'winnow-iccam-1');
  assert.equal(doc.hotline, 'Example Hotline');
  assert.deepEqual(Object.keys(doc.reports[0]!), [
    'reportId', 'receivedAt', 'urls', 'description', 'contentType', 'classification', 'hostingCountry', 'hashes', 'ip', 'asn',
    'hostingOrg', 'assessedAt', 'ageGroup',
  ]);
  const { externalRef, ...rest } = partnerRecord;
  assert.deepEqual(doc.reports[0], { reportId: externalRef, ...rest, hashes: [{ algorithm: 'sha1', hash: SHA1_EMPTY }] });
  for (const bad of [{ urls: [] }, { hostingCountry: 'nl' }, { classification: 'illegal' }, { asn: 1.5 }, { hashes: [{ algorithm: 'md5', hash: 'zz' }] }]) {
    assert.throws(() => buildIccamExport({ hotline: 'H', generatedAt: 't', reports: [{ ...partnerRecord, ...bad } as PartnerExportRecord] }), UserError);
  }
});

const leaPkg: LeaPackage = {
  hotline: 'Example Hotline',
  packageId: 'LEA-2026-0003',
  createdAt: '2026-12-02T09:00:00Z',
  createdBy: 'analyst.one',
  destinationUnit: 'Federal Computer Crime Unit',
  urls: [
    {
      canonicalUrl: 'https://files.host.example/a/b?id=7',
      firstReport: { number: 'R-2026-0001', receivedAt: '2026-12-01T10:00:00Z' },
      classification: 'baseline',
      decidedBy: { kind: 'hash-match', name: null, at: '2026-12-01T10:01:00Z' },
      viewedContent: false,
      hosting: { ip: '192.0.2.44', asn: 64500, org: 'Host BE NV', country: 'BE', cdn: null },
      abuseContacts: ['abuse@host.example'],
      tracedAt: '2026-12-01T10:02:00Z',
      hashes: [{ algorithm: 'sha1', hash: SHA1_EMPTY }],
    },
    {
      canonicalUrl: 'https://cdn.example/z',
      firstReport: { number: 'R-2026-0002', receivedAt: '2026-12-01T11:00:00Z' },
      classification: 'national',
      decidedBy: { kind: 'analyst', name: 'analyst.two', at: '2026-12-01T12:00:00Z' },
      viewedContent: true,
      hosting: { ip: null, asn: 13335, org: null, country: null, cdn: 'Cloudflare' },
      abuseContacts: [],
      tracedAt: null,
      hashes: [],
    },
  ],
};

/** Text shown by the PDF's uncompressed content streams: the hex strings of every TJ array, decoded. */
function pdfText(pdf: Buffer): string {
  const s = pdf.toString('latin1');
  return [...s.matchAll(/\[([^\]]*)\] TJ/g)]
    .map((m) => [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''))
    .join('\n');
}

test('LEA package: JSON round-trips', () => {
  const parsed = JSON.parse(buildLeaPackageJson(leaPkg)) as Record<string, unknown>;
  assert.equal(parsed.format, 'winnow-lea-1');
  delete parsed.format;
  assert.deepEqual(parsed, leaPkg);
});

test('LEA package: PDF summary holds the package facts and each URL row', async () => {
  const pdf = await buildLeaPackagePdf(leaPkg, { compress: false });
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.ok(pdf.subarray(-6).toString('latin1').includes('%%EOF'));
  const text = pdfText(pdf);
  for (const s of [
    'Example Hotline', 'LEA-2026-0003', '2026-12-02T09:00:00Z by analyst.one', 'Federal Computer Crime Unit',
    'https://files.host.example/a/b?id=7', 'R-2026-0001, received 2026-12-01T10:00:00Z', 'hash match, 2026-12-01T10:01:00Z',
    'AS64500', 'Host BE NV', 'abuse@host.example', `sha1: ${SHA1_EMPTY}`, 'https://cdn.example/z',
    'hotline analyst (analyst.two)', 'yes (Cloudflare): origin host unknown', 'not traced', 'none found', 'URL 2 of 2',
  ]) assert.ok(text.includes(s), s);
  assert.deepEqual(text.split('\n').filter((l) => l === 'no' || l === 'yes'), ['no', 'no', 'yes'], 'viewed no, CDN no; viewed yes');
  const compressed = await buildLeaPackagePdf(leaPkg);
  assert.equal(compressed.subarray(0, 5).toString('latin1'), '%PDF-');
  assert.equal(pdfText(compressed).includes('LEA-2026-0003'), false, 'compressed by default');
});

test('LEA package: many URLs flow over several pages', async () => {
  const many = { ...leaPkg, urls: Array.from({ length: 12 }, (_, i) => ({ ...leaPkg.urls[0]!, canonicalUrl: `https://files.host.example/${i}` })) };
  const pdf = await buildLeaPackagePdf(many, { compress: false });
  const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? [];
  assert.ok(pages.length >= 3, `${pages.length} pages`);
  assert.ok(pdfText(pdf).includes('https://files.host.example/11'));
});

test('stats CSV: RFC 4180 quoting, column order, nulls, formula defusing', () => {
  const csv = statsCsv(
    [
      { period: '2026-11', reports: 12, host: 'Host, "BV"\nNL', median: null },
      { period: '2026-12', reports: 0, host: '=HYPERLINK("x")', extra: 'ignored' },
    ],
    ['period', 'reports', 'host', 'median'],
  );
  assert.equal(csv, 'period,reports,host,median\r\n2026-11,12,"Host, ""BV""\nNL",\r\n2026-12,0,"\'=HYPERLINK(""x"")",\r\n');
  assert.throws(() => statsCsv([], []), UserError);
});

test('an ICCAM-like export is read back by our own partner reader, field for field', async () => {
  const { parseIccamJson } = await import('../../src/formats/hotline/partner-report.js');
  const rec: PartnerExportRecord = {
    externalRef: 'WR-2026-000009', receivedAt: '2026-03-02T09:00:00.000Z', urls: ['http://a.example/x.jpg'], description: 'd', contentType: 'image',
    classification: 'national', hostingCountry: 'NL', hashes: [{ algorithm: 'md5', hash: 'ab'.repeat(16) }], ip: '192.0.2.1', asn: 64500, hostingOrg: 'Org',
    assessedAt: '2026-03-02T10:00:00.000Z', ageGroup: null,
  };
  const back = parseIccamJson(buildIccamExport({ hotline: 'Us', generatedAt: '2026-03-03T00:00:00Z', reports: [rec] }), { partner: 'Us' });
  assert.deepEqual(back.errors, []);
  assert.deepEqual(back.reports, [{
    externalRef: rec.externalRef, partner: 'Us', receivedAt: rec.receivedAt, urls: rec.urls, description: 'd', contentType: 'image',
    classification: 'national', hostingCountry: 'NL', hashes: rec.hashes,
  }]);
});
