/**
 * Grid filters, kept in the URL's query string so the dashboard can link to a filtered grid and a reload keeps
 * it. Names are the API's own query parameters. Known-bad items stay hidden unless the reviewer ticks the box and
 * confirms; the server records that listing in the audit log (so a known-bad set shows only that box's items).
 */
import { useEffect, useState } from 'react';
import { api, type Evidence, type HashSetSummary } from '../lib/api.js';
import { VICS_CATEGORIES } from '../lib/vics.js';

export const FILTER_KEYS = ['status', 'matched', 'category', 'set', 'hasGps', 'make', 'cluster', 'evidence', 'mime', 'hasError', 'includeKnownBad'] as const;
export type Filters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;

export function filtersFrom(search: URLSearchParams): Filters {
  const f: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = search.get(k);
    if (v) f[k] = v;
  }
  return f;
}

/** The workspace's hash sets, fetched once per page load (the bar is remounted on every filter change). */
let knownSets: HashSetSummary[] | null = null;

export function FilterBar({ filters, evidence, onChange }: { filters: Filters; evidence: Evidence[]; onChange: (f: Filters) => void }) {
  const [make, setMake] = useState(filters.make ?? '');
  const [sets, setSets] = useState<HashSetSummary[]>(knownSets ?? []);
  useEffect(() => {
    if (knownSets) return;
    let live = true;
    // Metadata only; a failure leaves the list empty (the grid itself reports errors) and is retried next mount.
    api<{ sets: HashSetSummary[] }>('GET', '/api/hash-sets').then((r) => {
      knownSets = r.sets;
      if (live) setSets(r.sets);
    }, () => undefined);
    return () => { live = false; };
  }, []);
  const set = (k: keyof Filters, v: string) => {
    const next = { ...filters };
    if (v) next[k] = v;
    else delete next[k];
    onChange(next);
  };
  const show = filters.status === 'unknown' ? 'unknown' : filters.matched === 'true' ? 'matched' : filters.status === 'alert' ? 'alert' : '';
  return (
    <div className="filters" role="search" aria-label="Filters">
      <label>Show
        <select aria-label="Show" value={show} onChange={(e) => {
          const next = { ...filters };
          delete next.status;
          delete next.matched;
          if (e.target.value === 'unknown') next.status = 'unknown';
          if (e.target.value === 'alert') next.status = 'alert';
          if (e.target.value === 'matched') next.matched = 'true';
          onChange(next);
        }}>
          <option value="">all (known-bad hidden)</option>
          <option value="unknown">unknown only</option>
          <option value="matched">matched a hash set</option>
          <option value="alert">alert</option>
        </select>
      </label>
      <label>Category
        <select aria-label="Category" value={filters.category ?? ''} onChange={(e) => set('category', e.target.value)}>
          <option value="">any</option>
          <option value="uncategorised">uncategorised</option>
          {VICS_CATEGORIES.map((c) => <option key={c.code} value={c.code}>{c.code} · {c.label}</option>)}
        </select>
      </label>
      <label>Hash set
        <select aria-label="Hash set" value={filters.set ?? ''} onChange={(e) => set('set', e.target.value)}>
          <option value="">any</option>
          {filters.set && !sets.some((s) => s.id === filters.set) && <option value={filters.set}>set {filters.set.slice(0, 8)}…</option>}
          {sets.map((s) => <option key={s.id} value={s.id}>{s.name} ({s.role}, {s.entryCount.toLocaleString()})</option>)}
        </select>
        {filters.set && filters.includeKnownBad !== 'true' && sets.find((s) => s.id === filters.set)?.role === 'known-bad' && (
          <span className="hint" data-testid="set-hint"> its matches are known-bad, hidden unless shown</span>
        )}
      </label>
      <label>GPS
        <select aria-label="GPS" value={filters.hasGps ?? ''} onChange={(e) => set('hasGps', e.target.value)}>
          <option value="">any</option><option value="true">has GPS</option><option value="false">no GPS</option>
        </select>
      </label>
      <label>Camera make
        <input aria-label="Camera make" value={make} placeholder="e.g. Canon" size={10} onChange={(e) => setMake(e.target.value)}
          onKeyDown={(e) => { if (e.key === 'Enter') set('make', make.trim()); }} onBlur={() => { if (make.trim() !== (filters.make ?? '')) set('make', make.trim()); }} />
      </label>
      <label>Evidence
        <select aria-label="Evidence" value={filters.evidence ?? ''} onChange={(e) => set('evidence', e.target.value)}>
          <option value="">all</option>
          {evidence.map((e) => <option key={e.id} value={e.id}>{e.label}</option>)}
        </select>
      </label>
      <label>Type
        <select aria-label="Type" value={filters.mime ?? ''} onChange={(e) => set('mime', e.target.value)}>
          <option value="">any</option><option value="image/">pictures</option><option value="video/">videos</option>
          <option value="image/jpeg">JPEG</option><option value="image/png">PNG</option>
        </select>
      </label>
      <label>Errors
        <select aria-label="Errors" value={filters.hasError ?? ''} onChange={(e) => set('hasError', e.target.value)}>
          <option value="">any</option><option value="true">with errors</option><option value="false">without errors</option>
        </select>
      </label>
      {filters.cluster && (
        <span className="chip">cluster {filters.cluster.slice(0, 8)}… <button type="button" aria-label="Clear cluster filter" onClick={() => set('cluster', '')}>×</button></span>
      )}
      <label className="kb">
        <input type="checkbox" checked={filters.includeKnownBad === 'true'} onChange={(e) => {
          if (e.target.checked && !window.confirm('Show known-bad material in the grid? It stays blurred, and this listing is recorded in the audit log.')) return;
          set('includeKnownBad', e.target.checked ? 'true' : '');
        }} /> show known-bad (audited)
      </label>
      {Object.keys(filters).length > 0 && <button type="button" className="secondary" onClick={() => { setMake(''); onChange({}); }}>Clear filters</button>}
    </div>
  );
}
