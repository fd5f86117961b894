/**
 * Abuse contacts out of an RDAP response (RFC 9083): every entity whose `roles` holds "abuse", wherever it sits in
 * the entity tree (ARIN nests it under the registrant, RIPE puts it at top level, domain registries nest it under
 * the `registrar` entity), with the e-mail addresses of its jCard (`vcardArray`). Pure; no I/O.
 */
import type { FoundAbuseContact } from '../../services/hotline/ports.js';

type Json = Record<string, unknown>;

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

function asObject(v: unknown): Json | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
}

function entitiesOf(o: Json): Json[] {
  return Array.isArray(o.entities) ? o.entities.map(asObject).filter((e): e is Json => e !== null) : [];
}

function roles(e: Json): string[] {
  return Array.isArray(e.roles) ? e.roles.filter((r): r is string => typeof r === 'string').map((r) => r.toLowerCase()) : [];
}

/** jCard properties: `["vcard", [[name, params, type, value…], …]]`. */
function vcardProps(e: Json): unknown[][] {
  const v = e.vcardArray;
  if (!Array.isArray(v) || v[0] !== 'vcard' || !Array.isArray(v[1])) return [];
  return v[1].filter((p): p is unknown[] => Array.isArray(p) && typeof p[0] === 'string');
}

/** Text of the first `fn` (or `org`) property of the entity's vCard. */
export function entityName(e: Json): string | null {
  for (const want of ['fn', 'org']) {
    for (const p of vcardProps(e)) {
      if (String(p[0]).toLowerCase() !== want) continue;
      const v = Array.isArray(p[3]) ? p[3][0] : p[3];
      if (typeof v === 'string' && v.trim() !== '') return v.trim();
    }
  }
  return null;
}

/** E-mail addresses of the vCard, most preferred first (`pref` may be a number or a string, 1 = most preferred). */
function emails(e: Json): string[] {
  const found: { email: string; pref: number }[] = [];
  for (const p of vcardProps(e)) {
    if (String(p[0]).toLowerCase() !== 'email') continue;
    const value = Array.isArray(p[3]) ? p[3][0] : p[3];
    if (typeof value !== 'string') continue;
    const email = value.trim().replace(/^mailto:/i, '');
    if (!EMAIL.test(email)) continue; // "REDACTED FOR PRIVACY" and the like
    const pref = Number(asObject(p[1])?.pref ?? 100);
    found.push({ email, pref: Number.isFinite(pref) ? pref : 100 });
  }
  return found.sort((a, b) => a.pref - b.pref).map((f) => f.email);
}

/**
 * Abuse contacts of one RDAP response. For a network (`scope` hosting) the organisation is the entity that holds the
 * abuse entity (the registrant), else the top-level registrant, else the network's name; for a domain (`scope`
 * registrar) it is the registrar that holds the abuse entity. Duplicates (same address, as registries repeat
 * entities) are dropped.
 */
export function extractAbuseContacts(response: unknown, scope: 'hosting' | 'registrar', source: string): FoundAbuseContact[] {
  const root = asObject(response);
  if (!root) return [];
  const top = entitiesOf(root);
  const registrant = top.find((e) => roles(e).includes(scope === 'hosting' ? 'registrant' : 'registrar'));
  const fallbackOrg = (registrant && entityName(registrant)) ?? (scope === 'hosting' && typeof root.name === 'string' ? root.name : null);
  const out: FoundAbuseContact[] = [];
  const seen = new Set<string>();
  const walk = (list: Json[], parent: Json | null, depth: number) => {
    if (depth > 8) return; // malformed or hostile nesting
    for (const e of list) {
      if (roles(e).includes('abuse')) {
        const parentName = parent && (scope === 'hosting' || roles(parent).includes('registrar')) ? entityName(parent) : null;
        const org = parentName ?? fallbackOrg ?? entityName(e);
        for (const email of emails(e)) {
          const key = email.toLowerCase();
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ email, scope, org, source });
        }
      }
      walk(entitiesOf(e), e, depth + 1);
    }
  };
  walk(top, null, 0);
  return out;
}
