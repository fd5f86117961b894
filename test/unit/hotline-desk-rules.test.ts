import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReportThrottle } from '../../src/http/hotline/report-throttle.js';
import { TooManyRequestsError } from '../../src/services/auth.errors.js';
import { DEFAULT_HOTLINE_SETTINGS } from '../../src/services/hotline/hotline-settings.js';
import { IntakeError, IntakeService } from '../../src/services/hotline/intake.service.js';
import { routeFor } from '../../src/services/hotline/routing.js';
import { deriveStatus } from '../../src/services/hotline/url-status.js';

test('public reports: 10 per address in a sliding 10-minute window, then 429 with the wait', () => {
  let now = 0;
  const t = new ReportThrottle(10, 600_000, () => now);
  for (let i = 0; i < 10; i++) { t.take('192.0.2.1'); now += 1000; }
  assert.throws(() => t.take('192.0.2.1'), (e: unknown) => e instanceof TooManyRequestsError && e.retryAfterSec === 590);
  t.take('192.0.2.2'); // another address is not affected
  now = 600_001;
  t.take('192.0.2.1'); // the first report left the window
});

test('routing: own country → police (clearance), INHOPE country → partner hotline, elsewhere or unknown → INTERPOL', () => {
  const s = { ...DEFAULT_HOTLINE_SETTINGS, country: 'BE', partnerHotlines: { NL: 'Offlimits' } };
  assert.deepEqual(routeFor('be', s), { kind: 'national-police', destination: s.nationalPolice, country: 'BE', format: 'lea-package', hotlineNotifies: true, needsClearance: true });
  assert.deepEqual(routeFor('NL', s), { kind: 'partner-hotline', destination: 'Offlimits', country: 'NL', format: 'iccam-json', hotlineNotifies: false, needsClearance: false });
  assert.equal(routeFor('DE', s).destination, 'INHOPE hotline (DE)');
  assert.equal(routeFor('VG', s).kind, 'interpol');
  assert.equal(routeFor(null, s).kind, 'interpol');
});

test('status is derived from the transition times', () => {
  const base = { closed_at: null, notice_count: 0, forwarded_at: null, traced_at: null, assessed_at: null };
  assert.equal(deriveStatus(base), 'new');
  assert.equal(deriveStatus({ ...base, assessed_at: 'x' }), 'assessed');
  assert.equal(deriveStatus({ ...base, assessed_at: 'x', traced_at: 'y' }), 'traced');
  assert.equal(deriveStatus({ ...base, forwarded_at: 'z' }), 'forwarded');
  assert.equal(deriveStatus({ ...base, forwarded_at: 'z', notice_count: 2 }), 'notified');
  assert.equal(deriveStatus({ ...base, notice_count: 2, closed_at: 'c' }), 'closed');
});

test('intake validation lists every problem with its field, without storing anything', () => {
  // No repository is touched by validate(): a throwing stub proves it.
  const intake = new IntakeService(new Proxy({}, { get: () => { throw new Error('store touched'); } }) as never, null, () => '2026-01-01T00:00:00.000Z');
  const v = intake.validate({ urls: 'http://a.test/x\n\n  HTTP://A.test:80/x#f  ', contact: '' });
  assert.deepEqual(v.urls.map((u) => u.canonical), ['http://a.test/x', 'http://a.test/x']);
  assert.equal(v.contact, null);
  assert.throws(() => intake.validate({ urls: 'javascript:alert(1)\nhttp://ok.test/', contentType: 'pdf', contact: 'not-an-address', language: 'es', description: 'x'.repeat(4001) }), (e: unknown) => {
    assert.ok(e instanceof IntakeError);
    assert.deepEqual(e.problems.map((p) => p.field), ['urls', 'description', 'contentType', 'language', 'contact']);
    return true;
  });
  assert.throws(() => intake.validate({ urls: [] }), /give at least one web address/);
  assert.throws(() => intake.validate({ urls: Array.from({ length: 21 }, (_, i) => `http://h${i}.test/`) }), /at most 20 web addresses/);
});
