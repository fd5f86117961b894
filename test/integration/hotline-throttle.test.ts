import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { hotlineDeps, hotlineConfigFromEnv } from '../../src/cli/hotline-wiring.js';
import { Workspace } from '../../src/cli/workspace.js';
import { ReportThrottle } from '../../src/http/hotline/report-throttle.js';
import { LoginThrottle } from '../../src/http/login-throttle.js';
import { buildServer } from '../../src/http/server.js';
import { tempDir } from '../helpers/env.js';

// Public reports are rate-limited per client address. Behind a reverse proxy every request comes from the proxy:
// `serve --trust-proxy` makes the limit count the address the proxy forwards, and only for the proxies named.

const tmp = tempDir('winnow-hl-throttle-');
after(() => tmp.cleanup());

async function server(trustProxy: string[]) {
  const ws = await Workspace.open({ workspace: `${tmp.dir}/${trustProxy.length ? 'proxy' : 'direct'}` });
  const desk = { ...hotlineDeps(ws, { ...hotlineConfigFromEnv({}), mailer: null }), throttle: new ReportThrottle(2, 600_000) };
  const { app } = await buildServer({
    auth: ws.auth, users: ws.users, review: ws.review, categorisation: ws.categorisation, audit: ws.audit, workspaceDir: ws.dir,
    throttle: new LoginThrottle(), secureCookies: false, hotline: desk,
  }, { trustProxy });
  const report = async (forwardedFor: string, n: number) => (await app.inject({
    method: 'POST', url: '/api/hotline/public/reports', headers: { 'x-forwarded-for': forwardedFor }, payload: { urls: [`http://r${n}.test/`] },
  })).statusCode;
  return { report, close: async () => { await app.close(); await ws.close(); } };
}

test('behind a trusted proxy the limit counts the forwarded client address', async () => {
  const s = await server(['127.0.0.1']);
  try {
    assert.deepEqual([await s.report('198.51.100.1', 1), await s.report('198.51.100.1', 2), await s.report('198.51.100.1', 3)], [201, 201, 429]);
    assert.equal(await s.report('198.51.100.2', 4), 201, 'another client behind the same proxy is not limited');
  } finally {
    await s.close();
  }
});

test('without --trust-proxy a forged X-Forwarded-For does not escape the limit', async () => {
  const s = await server([]);
  try {
    assert.deepEqual([await s.report('198.51.100.1', 1), await s.report('198.51.100.2', 2), await s.report('198.51.100.3', 3)], [201, 201, 429]);
  } finally {
    await s.close();
  }
});
