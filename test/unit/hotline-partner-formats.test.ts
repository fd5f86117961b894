import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  parseIccamJson, parsePartnerCsv, ICCAM_FORMAT, type PartnerParseResult,
} from '../../src/formats/hotline/partner-report.js';
import { UserError } from '../../src/services/errors.js';

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const PDQ = 'f'.repeat(16) + '0'.repeat(16) + 'a5'.repeat(16);
const NOW = new Date('2026-12-04T12:00:00Z');

function iccam(reports: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ format: ICCAM_FORMAT, hotline: 'Partner Hotline', reports, ...extra });
}

function userError(message: RegExp): (e: unknown) => boolean {
  return (e) => e instanceof UserError && message.test(e.message);
}

test('ICCAM-like JSON: a good file', () => {
  const text = iccam([
    {
      reportId: 'PH-1',
      receivedAt: '2026-11-30T10:15:00+01:00',
      urls: ['  http://files.example.net/a/1.jpg ', 'http://files.example.net/a/2.jpg', 'http://files.example.net/a/1.jpg'],
      description: ' two images ',
      contentType: 'Image',
      classification: 'Baseline',
      hostingCountry: 'nl',
      hashes: [
        { algorithm: 'MD5', hash: MD5.toUpperCase() },
        { algorithm: 'sha1', hash: SHA1 },
        { algorithm: 'sha256', hash: SHA256 },
        { algorithm: 'pdq', hash: PDQ },
        { algorithm: 'md5', hash: MD5 },
      ],
      somethingNew: { ignored: true },
    },
    { reportId: 42, receivedAt: '2026-11-29', url: 'example.org/x', classification: 'not illegal' },
    { receivedAt: '2026-11-28T23:59:59.5Z', urls: ['http://b.example/'], classification: 'NOT_ILLEGAL', contentType: 'video' },
    { receivedAt: '2026-11-28T08:00Z', urls: ['http://c.example/'], classification: 'national', description: null },
    { receivedAt: '2026-11-28T08:00:00-0330', urls: ['http://d.example/'], classification: 'doubtful' },
  ]);
  const r = parseIccamJson(text, { partner: 'ph' });
  assert.deepEqual(r.errors, []);
  assert.equal(r.reports.length, 5);
  assert.deepEqual(r.reports[0], {
    externalRef: 'PH-1',
    partner: 'ph',
    receivedAt: '2026-11-30T09:15:00.000Z',
    urls: ['http://files.example.net/a/1.jpg', 'http://files.example.net/a/2.jpg'],
    description: 'two images',
    contentType: 'image',
    classification: 'baseline',
    hostingCountry: 'NL',
    hashes: [
      { algorithm: 'md5', hash: MD5 },
      { algorithm: 'sha1', hash: SHA1 },
      { algorithm: 'sha256', hash: SHA256 },
      { algorithm: 'pdq', hash: PDQ },
    ],
  });
  assert.deepEqual(r.reports[1], {
    externalRef: '42', partner: 'ph', receivedAt: '2026-11-29T00:00:00.000Z', urls: ['example.org/x'],
    description: null, contentType: null, classification: 'not-illegal', hostingCountry: null, hashes: [],
  });
  assert.equal(r.reports[2]?.receivedAt, '2026-11-28T23:59:59.500Z');
  assert.equal(r.reports[2]?.classification, 'not-illegal');
  assert.equal(r.reports[2]?.contentType, 'video');
  assert.equal(r.reports[3]?.classification, 'national');
  assert.equal(r.reports[4]?.receivedAt, '2026-11-28T11:30:00.000Z');
  assert.equal(r.reports[4]?.classification, 'doubtful');
  assert.deepEqual(parseIccamJson(`\uFEFF${iccam([])}`, { partner: 'ph' }), { reports: [], errors: [] });
});

test('ICCAM-like JSON: each kind of per-record error skips that record only', () => {
  const good = { receivedAt: '2026-11-30T09:00:00Z', urls: ['http://ok.example/'] };
  const cases: [unknown, RegExp][] = [
    [{ ...good, receivedAt: 'yesterday' }, /received date "yesterday" is not an ISO 8601 date/],
    [{ ...good, receivedAt: '2026-02-30T10:00:00Z' }, /is not a real date/],
    [{ ...good, receivedAt: '2026-11-30T25:00:00Z' }, /is not a real date/],
    [{ ...good, receivedAt: '2026-11-30T10:00:00' }, /has no time zone/],
    [{ ...good, receivedAt: 1764493200 }, /must be an ISO 8601 date string/],
    [{ urls: ['http://ok.example/'] }, /received date is missing/],
    [{ ...good, urls: [] }, /no URL/],
    [{ receivedAt: good.receivedAt }, /no URL/],
    [{ ...good, urls: ['   '] }, /URL is empty/],
    [{ ...good, urls: ['http://a/', 7] }, /URL 2 is not a string/],
    [{ ...good, urls: 'http://a/' }, /"urls" must be an array/],
    [{ ...good, urls: Array.from({ length: 1001 }, (_, i) => `http://a/${i}`) }, /more than 1000 URLs/],
    [{ ...good, classification: 'illegal-ish' }, /unknown classification "illegal-ish"/],
    [{ ...good, contentType: 'audio' }, /unknown content type "audio"/],
    [{ ...good, hostingCountry: 'NLD' }, /not an ISO 3166-1 alpha-2 code/],
    [{ ...good, hashes: [{ algorithm: 'md5', hash: MD5.slice(1) }] }, /malformed md5 hash .* \(expected 32 hex digits\)/],
    [{ ...good, hashes: [{ algorithm: 'sha1', hash: MD5 }] }, /malformed sha1 hash .*40 hex/],
    [{ ...good, hashes: [{ algorithm: 'sha256', hash: `${SHA256.slice(1)}g` }] }, /malformed sha256 hash .*64 hex/],
    [{ ...good, hashes: [{ algorithm: 'pdq', hash: SHA1 }] }, /malformed pdq hash .*64 hex/],
    [{ ...good, hashes: [{ algorithm: 'crc32', hash: 'abcd' }] }, /unknown hash algorithm "crc32"/],
    [{ ...good, hashes: { md5: MD5 } }, /"hashes" must be an array/],
    [{ ...good, reportId: 'x'.repeat(201) }, /report id is longer than 200/],
    [{ ...good, description: 'x'.repeat(10_001) }, /description is longer than 10000/],
    [{ ...good, description: { text: 'hi' } }, /description must be a string/],
    ['just a string', /report must be a JSON object/],
    [null, /report must be a JSON object/],
  ];
  const records: unknown[] = [];
  for (const [bad] of cases) records.push(good, bad);
  records.push(good);
  const r = parseIccamJson(iccam(records), { partner: 'ph' });
  assert.equal(r.reports.length, cases.length + 1);
  assert.equal(r.errors.length, cases.length);
  cases.forEach(([, message], i) => {
    const e = r.errors[i];
    assert.equal(e?.index, 2 * i + 1, `case ${i}`);
    assert.match(e?.message ?? '', message, `case ${i}`);
  });
  // All problems of one record in one message.
  const multi = parseIccamJson(iccam([{ receivedAt: 'soon', urls: [], classification: 'x' }]), { partner: 'ph' });
  assert.equal(multi.errors.length, 1);
  assert.match(multi.errors[0]?.message ?? '', /not an ISO 8601 date .*; no URL; unknown classification "x"/);
});

test('ICCAM-like JSON: whole-file errors', () => {
  const opts = { partner: 'ph' };
  assert.throws(() => parseIccamJson('{"format": "winnow-iccam-1", "reports": [', opts), userError(/not valid JSON/));
  assert.throws(() => parseIccamJson('url,reported_at\nhttp://a,', opts), userError(/not valid JSON/));
  assert.throws(() => parseIccamJson('[]', opts), userError(/must be a JSON object with "format"/));
  assert.throws(() => parseIccamJson('"text"', opts), userError(/must be a JSON object/));
  assert.throws(() => parseIccamJson(JSON.stringify({ hotline: 'x', reports: [] }), opts), userError(/no "format".*expected "format": "winnow-iccam-1"/));
  assert.throws(() => parseIccamJson(JSON.stringify({ format: 'iccam-3', hotline: 'x', reports: [] }), opts), userError(/format "iccam-3"/));
  assert.throws(() => parseIccamJson(JSON.stringify({ format: ICCAM_FORMAT, reports: [] }), opts), userError(/"hotline" must name/));
  assert.throws(() => parseIccamJson(iccam([], { reports: { a: 1 } }), opts), userError(/"reports" must be an array/));
  const three = iccam([1, 2, 3].map((i) => ({ receivedAt: '2026-11-30', urls: [`http://a/${i}`] })));
  assert.equal(parseIccamJson(three, { partner: 'ph', maxReports: 3 }).reports.length, 3);
  assert.throws(() => parseIccamJson(three, { partner: 'ph', maxReports: 2 }), userError(/has 3 reports; at most 2/));
  assert.throws(() => parseIccamJson(three, { partner: ' ' }), userError(/partner hotline must be named/));
});

test('size limit is checked before parsing, for both formats', () => {
  // Invalid as JSON and as CSV: only the size check can explain the error.
  const big = `"${'x'.repeat(2000)}`;
  assert.throws(() => parseIccamJson(big, { partner: 'p', maxBytes: 1000 }), userError(/is 2001 bytes; the limit is 1000 bytes/));
  assert.throws(() => parsePartnerCsv(big, { partner: 'p', maxBytes: 1000 }), userError(/the limit is 1000 bytes/));
  // UTF-8 bytes, not characters: 400 "é" are 800 bytes.
  assert.throws(() => parsePartnerCsv(`url\n${'é'.repeat(400)}`, { partner: 'p', maxBytes: 500 }), userError(/limit/));
  // Default limit 20 MB.
  const huge = ' '.repeat(20 * 1024 * 1024 + 1);
  assert.throws(() => parseIccamJson(huge, { partner: 'p' }), userError(/20\.0 MB/));
});

test('CSV: good file with BOM, CRLF, quoted commas and newlines, any column order and case', () => {
  const text = [
    '\uFEFF Reported_At ,URL,description,classification,content_type,hosting_country,md5,sha1,sha256,pdq',
    `2026-11-30T09:15:00Z, http://a.example/1 ,"gallery, page one","baseline",image,nl,${MD5},${SHA1},${SHA256},${PDQ}`,
    '2026-11-30,http://b.example/,"two',
    'lines, and a ""quote""",not illegal,,,,,,',
    '',
    ',http://c.example/,,,,,,,,',
  ].join('\r\n') + '\r\n';
  const r = parsePartnerCsv(text, { partner: 'ph', now: NOW });
  assert.deepEqual(r.errors, []);
  assert.equal(r.reports.length, 3);
  assert.deepEqual(r.reports[0], {
    externalRef: null, partner: 'ph', receivedAt: '2026-11-30T09:15:00.000Z', urls: ['http://a.example/1'],
    description: 'gallery, page one', contentType: 'image', classification: 'baseline', hostingCountry: 'NL',
    hashes: [
      { algorithm: 'md5', hash: MD5 }, { algorithm: 'sha1', hash: SHA1 },
      { algorithm: 'sha256', hash: SHA256 }, { algorithm: 'pdq', hash: PDQ },
    ],
  });
  assert.equal(r.reports[1]?.description, 'two\nlines, and a "quote"');
  assert.equal(r.reports[1]?.classification, 'not-illegal');
  assert.equal(r.reports[1]?.receivedAt, '2026-11-30T00:00:00.000Z');
  assert.equal(r.reports[2]?.receivedAt, NOW.toISOString(), 'no reported_at: time of the import');
  // Only the url column.
  const minimal = parsePartnerCsv('url\nhttp://x.example/\nhttp://y.example/\n', { partner: 'ph', now: NOW });
  assert.deepEqual(minimal.reports.map((x) => [x.urls, x.externalRef, x.receivedAt]), [
    [['http://x.example/'], null, NOW.toISOString()],
    [['http://y.example/'], null, NOW.toISOString()],
  ]);
});

test('CSV: rows sharing external_ref are grouped into one report', () => {
  const text = [
    'external_ref,url,reported_at,classification,hosting_country,md5',
    `R1,http://h.example/1,2026-11-30T09:00:00Z,baseline,NL,${MD5}`,
    'R2,http://other.example/,2026-11-29T09:00:00Z,national,BE,',
    `R1,http://h.example/2,,,,${MD5}`,
    'R1,http://h.example/3,,,DE,',
    'R1,http://h.example/1,2026-11-30T10:00:00+01:00,baseline,,',
    ',http://lone.example/,,,,',
    ',http://lone.example/,,,,',
    'R1,http://h.example/4,2026-11-30T09:00:00Z,national,NL,',
  ].join('\n');
  const r = parsePartnerCsv(text, { partner: 'ph', now: NOW });
  assert.deepEqual(r.reports.map((x) => x.externalRef), ['R1', 'R2', null, null]);
  const r1 = r.reports[0];
  assert.deepEqual(r1?.urls, ['http://h.example/1', 'http://h.example/2']);
  assert.deepEqual(r1?.hashes, [{ algorithm: 'md5', hash: MD5 }]);
  assert.equal(r1?.classification, 'baseline');
  assert.equal(r1?.hostingCountry, 'NL');
  assert.equal(r.reports[1]?.hostingCountry, 'BE');
  assert.deepEqual(r.errors, [
    { index: 3, line: 5, message: 'hosting_country differs from line 2 of report "R1"' },
    { index: 7, line: 9, message: 'classification differs from line 2 of report "R1"' },
  ]);
  // A field the group lacks is filled by a later row; the same instant written differently is no conflict.
  const fill = parsePartnerCsv('external_ref,url,reported_at,description\nX,http://a/,,\nX,http://b/,2026-11-30T09:00:00Z,later\nX,http://c/,2026-11-30T10:00:00+01:00,\n', { partner: 'ph', now: NOW });
  assert.deepEqual(fill.errors, []);
  assert.equal(fill.reports.length, 1);
  assert.equal(fill.reports[0]?.receivedAt, '2026-11-30T09:00:00.000Z');
  assert.equal(fill.reports[0]?.description, 'later');
  assert.deepEqual(fill.reports[0]?.urls, ['http://a/', 'http://b/', 'http://c/']);
});

test('CSV: per-row errors carry the data-row index and the starting line', () => {
  const text = [
    'url,external_ref,reported_at,classification,sha1',
    'http://ok.example/1,,,,',
    'http://ok.example/2,,,,,extra',
    '"http://multi',
    'line.example/",,yesterday,,',
    ',,,,',
    ',A,,,',
    'http://ok.example/3,,,wrong,',
    'http://ok.example/4,,,,abc',
    'http://ok.example/5',
    'http://ok.example/6,,2026-11-30 09:00,,',
    'http://ok.example/7,,,,',
  ].join('\n');
  const r = parsePartnerCsv(text, { partner: 'ph', now: NOW });
  assert.deepEqual(r.reports.map((x) => x.urls[0]), ['http://ok.example/1', 'http://ok.example/7']);
  const got = r.errors.map((e) => [e.index, e.line]);
  assert.deepEqual(got, [[1, 3], [2, 4], [3, 7], [4, 8], [5, 9], [6, 10], [7, 11]]);
  const messages = r.errors.map((e) => e.message);
  assert.match(messages[0] ?? '', /row has 6 fields; the header has 5/);
  assert.match(messages[1] ?? '', /received date "yesterday"/);
  assert.match(messages[2] ?? '', /URL is empty/);
  assert.match(messages[3] ?? '', /unknown classification "wrong"/);
  assert.match(messages[4] ?? '', /malformed sha1 hash "abc" \(expected 40 hex digits\)/);
  assert.match(messages[5] ?? '', /row has 1 field; the header has 5/);
  assert.match(messages[6] ?? '', /has no time zone/);
});

test('CSV: whole-file errors', () => {
  const opts = { partner: 'ph' };
  assert.throws(() => parsePartnerCsv('', opts), userError(/CSV file is empty: a header row/));
  assert.throws(() => parsePartnerCsv('\uFEFF\n\n', opts), userError(/CSV file is empty/));
  assert.throws(() => parsePartnerCsv('link,classification\nhttp://a/,baseline\n', opts), userError(/no "url" column \(found: "link", "classification"\)/));
  assert.throws(() => parsePartnerCsv('http://a.example/,baseline\n', opts), userError(/no "url" column/));
  assert.throws(() => parsePartnerCsv('url,clasification\nhttp://a/,baseline\n', opts), userError(/unknown CSV column\(s\) "clasification"; known columns: url, reported_at/));
  assert.throws(() => parsePartnerCsv('url,URL\nhttp://a/,http://b/\n', opts), userError(/names the column "url" twice/));
  assert.throws(() => parsePartnerCsv('url,description\nhttp://a/,"bad"quote\nhttp://b/,x\n', opts), userError(/malformed CSV near line 2: Invalid Closing Quote/));
  assert.throws(() => parsePartnerCsv('url,description\nhttp://a/,"never closed\nhttp://b/,x\n', opts), userError(/malformed CSV .*Quote Not Closed/));
  const rows = ['external_ref,url', 'A,http://a/1', 'A,http://a/2', 'B,http://b/', ',http://c/'].join('\n');
  assert.equal(parsePartnerCsv(rows, { partner: 'ph', maxReports: 3 }).reports.length, 3, 'limit counts reports, not rows');
  assert.throws(() => parsePartnerCsv(rows, { partner: 'ph', maxReports: 2 }), userError(/has 3 reports; at most 2/));
});

test('the examples in docs/hotline-partner-formats.md parse as the doc says', () => {
  const doc = readFileSync(new URL('../../../docs/hotline-partner-formats.md', import.meta.url), 'utf8');
  const block = (lang: string): string => {
    const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(doc);
    assert.ok(m, `a ${lang} example in the doc`);
    return m[1] ?? '';
  };
  const json: PartnerParseResult = parseIccamJson(block('json'), { partner: 'iwf' });
  assert.deepEqual(json.errors, []);
  assert.equal(json.reports.length, 1);
  assert.equal(json.reports[0]?.urls.length, 2);
  assert.equal(json.reports[0]?.hashes.length, 2);
  const csv = parsePartnerCsv(block('csv'), { partner: 'iwf', now: NOW });
  assert.deepEqual(csv.errors, []);
  assert.deepEqual(csv.reports.map((r) => [r.externalRef, r.urls.length]), [['IWF-2026-004711', 2], [null, 1]]);
});
