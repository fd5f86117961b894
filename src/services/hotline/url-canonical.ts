// PLACEHOLDER until the hl-canon branch lands (replaced by it on merge): WHATWG serialisation only.
import { createHash } from 'node:crypto';
import { UserError } from '../errors.js';

export interface CanonicalUrl { raw: string; canonical: string; sha256: string; scheme: 'http' | 'https'; host: string; registeredDomain: string; path: string; isIp: boolean; hadUserinfo: boolean }

export function canonicaliseUrl(raw: string): CanonicalUrl {
  let u: URL;
  try { u = new URL(/^[a-z]+:\/\//i.test(raw.trim()) ? raw.trim() : `http://${raw.trim()}`); } catch { throw new UserError(`not a URL: ${raw}`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError('only http and https URLs can be reported');
  u.hash = '';
  const hadUserinfo = !!(u.username || u.password);
  u.username = ''; u.password = '';
  const canonical = u.href;
  return { raw, canonical, sha256: createHash('sha256').update(canonical).digest('hex'), scheme: u.protocol === 'http:' ? 'http' : 'https', host: u.hostname, registeredDomain: u.hostname.split('.').slice(-2).join('.'), path: u.pathname, isIp: /^[\d.]+$|^\[/.test(u.hostname), hadUserinfo };
}
