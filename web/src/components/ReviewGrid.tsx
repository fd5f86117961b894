/**
 * The review grid: virtual scrolling over the cursor-paged API (lib/paged-list.ts keeps a window of pages; only the
 * tiles on screen are in the DOM), sorted by the server's priority (highest first), filters in the URL, selection,
 * keyboard categorisation and undo, the single revealed item, and the item detail panel.
 *
 * Keys (ignored while typing in a field): arrows move, Space selects, digits 0-4 categorise the selection (or the
 * focused item), Shift+digit categorises the focused item's whole near-duplicate cluster, X clears the category,
 * Ctrl/Cmd+Z undoes the last categorisation, Enter opens the detail, Esc closes it / clears the selection.
 *
 * Exposure: the grid holds at most ONE revealed object URL; a new reveal, the timer (the seconds the server
 * granted), leaving the page or hiding the tab revokes it and the tile goes back to the blurred picture.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { api, qs, type CaseDetail, type CategoriseResult, type ExposureMeter, type GridItem, type GridPage, type SessionUser } from '../lib/api.js';
import { PagedList } from '../lib/paged-list.js';
import { useSingleReveal } from '../lib/use-single-reveal.js';
import { navigate, useLocation } from '../lib/router.js';
import { categoryLabel, VICS_CATEGORIES } from '../lib/vics.js';
import { Link } from './common.js';
import { FilterBar, filtersFrom, type Filters } from './Filters.js';
import { ItemPanel } from './ItemPanel.js';
import { Thumb } from './Thumb.js';

const PAGE_SIZE = 200;
const TILE_W = 188;
const TILE_H = 236;
const OVERSCAN_ROWS = 2;

export function ReviewGrid({ caseId, user, exposure, onExposure }: { caseId: string; user: SessionUser; exposure: ExposureMeter; onExposure: (m: ExposureMeter) => void }) {
  const loc = useLocation();
  const filters = useMemo(() => filtersFrom(loc.search), [loc.search.toString()]); // eslint-disable-line react-hooks/exhaustive-deps
  const filterKey = JSON.stringify(filters);
  const [caseInfo, setCaseInfo] = useState<CaseDetail | null>(null);
  const [, setTick] = useState(0);
  const rerender = useCallback(() => setTick((t) => t + 1), []);
  const list = useMemo(
    () => new PagedList<GridItem>((cursor, limit) => api<GridPage>('GET', `/api/cases/${caseId}/items${qs({ ...filters, limit, cursor })}`), PAGE_SIZE, rerender),
    [caseId, filterKey], // eslint-disable-line react-hooks/exhaustive-deps
  );
  useEffect(() => () => list.dispose(), [list]);

  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 800, width: 1000 });
  const [focus, setFocus] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [detailId, setDetailId] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const undoStack = useRef<string[]>([]);
  const [detailVersion, setDetailVersion] = useState(0);

  const canView = user.role !== 'no-view';
  const canCategorise = user.role !== 'no-view';

  useEffect(() => {
    api<CaseDetail>('GET', `/api/cases/${caseId}`).then(setCaseInfo, (e: Error) => setMessage({ kind: 'error', text: e.message }));
  }, [caseId]);

  // Geometry.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setView({ top: el.scrollTop, height: el.clientHeight, width: el.clientWidth });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    el.addEventListener('scroll', measure, { passive: true });
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', measure);
    };
  }, []);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
    setFocus(0);
    setSelected(new Set());
  }, [list]);

  const cols = Math.max(1, Math.floor(view.width / TILE_W));
  const rowCount = Math.ceil((list.knownCount + (list.complete ? 0 : PAGE_SIZE)) / cols);
  const firstRow = Math.max(0, Math.floor(view.top / TILE_H) - OVERSCAN_ROWS);
  const lastRow = Math.min(rowCount, Math.ceil((view.top + view.height) / TILE_H) + OVERSCAN_ROWS);
  const from = firstRow * cols;
  const to = lastRow * cols;
  useEffect(() => {
    void list.ensure(from, Math.max(to, from + 1));
  }, [list, from, to]);

  // One clear picture at a time, re-blurred by the server's timer, a hidden tab or leaving the page (the object URL
  // is revoked): the shared rule (lib/use-single-reveal.ts).
  const onRevealMessage = useCallback((text: string, kind: 'info' | 'error') => setMessage({ kind, text }), []);
  const { revealed, doReveal: revealIn } = useSingleReveal(onExposure, onRevealMessage);
  const doReveal = useCallback((item: GridItem) => revealIn(caseId, item), [revealIn, caseId]);

  const categorise = useCallback(async (target: { itemIds?: string[]; clusterId?: string }, category: string | null, what: string) => {
    if (!canCategorise) return;
    try {
      const r = await api<CategoriseResult>('POST', `/api/cases/${caseId}/categorisations`, { ...target, category });
      undoStack.current.push(r.actionId);
      setMessage({ kind: 'info', text: `${what}: ${categoryLabel(category)} — ${r.hashes} hash(es), ${r.changed} changed. Ctrl+Z to undo.` });
      await list.refresh();
      setDetailVersion((v) => v + 1);
    } catch (err) {
      setMessage({ kind: 'error', text: (err as Error).message });
    }
  }, [caseId, list, canCategorise]);

  const undo = useCallback(async () => {
    const id = undoStack.current.pop() ?? 'last';
    try {
      const r = await api<{ restored: number; skipped: number }>('POST', `/api/cases/${caseId}/categorisations/${id}/undo`);
      setMessage({ kind: 'info', text: `Undone: ${r.restored} hash(es) restored${r.skipped ? `, ${r.skipped} changed since and left as they are` : ''}.` });
      await list.refresh();
      setDetailVersion((v) => v + 1);
    } catch (err) {
      setMessage({ kind: 'error', text: `Undo: ${(err as Error).message}` });
    }
  }, [caseId, list]);

  const focusedItem = list.get(focus);
  const targetIds = (): string[] => (selected.size ? [...selected] : focusedItem ? [focusedItem.id] : []);
  const categoriseSelection = (category: string | null) => {
    const ids = targetIds();
    if (ids.length) void categorise({ itemIds: ids }, category, ids.length === 1 ? '1 item' : `${ids.length} items`);
  };
  const categoriseCluster = (category: string | null) => {
    const it = list.get(focus);
    if (!it) return;
    if (it.clusterId) void categorise({ clusterId: it.clusterId }, category, `cluster of ${it.clusterSize ?? '?'}`);
    else void categorise({ itemIds: [it.id] }, category, '1 item (no cluster)');
  };

  const moveFocus = (i: number) => {
    const max = Math.max(0, list.knownCount - 1);
    const n = Math.min(max, Math.max(0, i));
    setFocus(n);
    const el = scroller.current;
    if (el) {
      const rowTop = Math.floor(n / cols) * TILE_H;
      if (rowTop < el.scrollTop) el.scrollTop = rowTop;
      else if (rowTop + TILE_H > el.scrollTop + el.clientHeight) el.scrollTop = rowTop + TILE_H - el.clientHeight;
    }
  };

  // Keyboard.
  const keyHandler = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keyHandler.current = (e: KeyboardEvent) => {
    const t = e.target as HTMLElement | null;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      void undo();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const digit = /^Digit([0-9])$/.exec(e.code)?.[1] ?? /^Numpad([0-9])$/.exec(e.code)?.[1];
    if (digit !== undefined && VICS_CATEGORIES.some((c) => c.code === digit)) {
      e.preventDefault();
      if (e.shiftKey) categoriseCluster(digit);
      else categoriseSelection(digit);
      return;
    }
    switch (e.key) {
      case 'ArrowRight': moveFocus(focus + 1); break;
      case 'ArrowLeft': moveFocus(focus - 1); break;
      case 'ArrowDown': moveFocus(focus + cols); break;
      case 'ArrowUp': moveFocus(focus - cols); break;
      case 'PageDown': moveFocus(focus + cols * Math.max(1, Math.floor(view.height / TILE_H))); break;
      case 'PageUp': moveFocus(focus - cols * Math.max(1, Math.floor(view.height / TILE_H))); break;
      case ' ': {
        const it = list.get(focus);
        if (it) setSelected((s) => { const n = new Set(s); if (n.has(it.id)) n.delete(it.id); else n.add(it.id); return n; });
        break;
      }
      case 'x': case 'X': case 'Delete': if (e.shiftKey) categoriseCluster(null); else categoriseSelection(null); break;
      case 'Enter': { const it = list.get(focus); if (it) setDetailId(it.id); break; }
      case 'Escape': if (detailId) setDetailId(null); else setSelected(new Set()); break;
      default: return;
    }
    e.preventDefault();
  };
  useEffect(() => {
    const on = (e: KeyboardEvent) => keyHandler.current(e);
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);

  const onTileClick = (index: number, item: GridItem, e: MouseEvent) => {
    setFocus(index);
    if (e.ctrlKey || e.metaKey) {
      setSelected((s) => { const n = new Set(s); if (n.has(item.id)) n.delete(item.id); else n.add(item.id); return n; });
    } else if (e.shiftKey) {
      const [a, b] = index < focus ? [index, focus] : [focus, index];
      setSelected((s) => { const n = new Set(s); for (let i = a; i <= b; i++) { const it = list.get(i); if (it) n.add(it.id); } return n; });
    } else {
      setSelected(new Set());
    }
  };

  const setFilters = (f: Filters) => navigate(`/cases/${caseId}/review${qs(f)}`, true);

  const tiles = [];
  for (let i = from; i < Math.min(to, list.knownCount + (list.complete ? 0 : PAGE_SIZE)); i++) {
    const item = list.get(i);
    const style = { top: Math.floor(i / cols) * TILE_H, left: (i % cols) * TILE_W, width: TILE_W - 8, height: TILE_H - 8 };
    if (!item) {
      if (list.complete && i >= list.knownCount) break;
      tiles.push(<div key={`p${i}`} className="tile placeholder" style={style} />);
      continue;
    }
    const cls = ['tile', i === focus ? 'focused' : '', selected.has(item.id) ? 'selected' : '', `status-${item.status}`].join(' ');
    tiles.push(
      <div key={item.id} className={cls} style={style} data-testid="tile" data-item-id={item.id} data-cluster={item.clusterId ?? ''} data-category={item.category ?? ''}
        onClick={(e) => onTileClick(i, item, e)} onDoubleClick={() => setDetailId(item.id)} aria-selected={selected.has(item.id)} role="gridcell">
        <Thumb caseId={caseId} item={item} canView={canView} revealedUrl={revealed?.id === item.id ? revealed.url : null} onReveal={(it) => void doReveal(it)} />
        <div className="meta">
          <div className="name" title={item.path}>{item.name}</div>
          <div className="tags">
            <span className={`st st-${item.status}`}>{item.status}</span>
            {item.priority !== null && <span title="priority">P{item.priority}</span>}
            {item.category !== null && <span className="cat" data-testid="tile-category">{categoryLabel(item.category)}</span>}
            {item.clusterSize !== null && item.clusterSize > 1 && <span title="near-duplicate cluster">◎{item.clusterSize}</span>}
            {item.hasGps && <span title="has GPS">GPS</span>}
            {item.errorCode && <span className="err">{item.errorCode}</span>}
          </div>
        </div>
      </div>,
    );
  }

  return (
    <section className="review">
      <div className="row spread">
        <h1><Link to={`/cases/${caseId}`}>{caseInfo?.name ?? 'Case'}</Link> · review</h1>
        <span className="hint" data-testid="grid-status">
          {list.complete ? `${list.knownCount} items` : `${list.knownCount}+ items`} · sorted by priority · pages held: {list.loadedPages.length}
        </span>
      </div>
      <FilterBar key={filterKey} filters={filters} evidence={caseInfo?.evidence ?? []} onChange={setFilters} />
      <div className="catbar" aria-label="Categorise">
        {VICS_CATEGORIES.map((c) => (
          <button key={c.code} type="button" disabled={!canCategorise} title={`${c.meaning} (key ${c.code}; Shift+${c.code} for the whole cluster)`} onClick={() => categoriseSelection(c.code)}>
            <kbd>{c.code}</kbd> {c.label}
          </button>
        ))}
        <button type="button" disabled={!canCategorise} onClick={() => categoriseSelection(null)} title="Clear the category (key X)"><kbd>X</kbd> clear</button>
        <button type="button" disabled={!canCategorise || !focusedItem?.clusterId} onClick={() => {
          const c = window.prompt('Category for the whole cluster (0-4):');
          if (c !== null && VICS_CATEGORIES.some((x) => x.code === c.trim())) categoriseCluster(c.trim());
        }}>Whole cluster…</button>
        <button type="button" disabled={!canCategorise} onClick={() => void undo()} title="Undo the last categorisation (Ctrl+Z)">Undo</button>
        <span className="hint">{selected.size ? `${selected.size} selected` : 'Ctrl-click / Shift-click / Space to select'}</span>
      </div>
      {exposure.hardReached && <div className="banner error" role="alert">Daily exposure limit reached: reveals are refused until 00:00 UTC. Please take a break.</div>}
      {message && (
        <div className={`banner ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid={`message-${message.kind}`}>
          {message.text} <button type="button" className="link" onClick={() => setMessage(null)}>dismiss</button>
        </div>
      )}
      {list.error && <div className="banner error" role="alert">Loading the grid failed: {list.error}</div>}
      <div className="grid-and-panel">
        <div className="grid-scroller" ref={scroller} data-testid="grid" role="grid" aria-label="Review grid">
          <div className="grid-inner" style={{ height: rowCount * TILE_H }}>{tiles}</div>
          {list.complete && list.knownCount === 0 && <p className="empty">No items match these filters.</p>}
        </div>
        {detailId && (
          <ItemPanel caseId={caseId} itemId={detailId} version={detailVersion} onClose={() => setDetailId(null)}
            onOpen={(id) => setDetailId(id)} onShowCluster={(cluster) => setFilters({ ...filters, cluster })} />
        )}
      </div>
    </section>
  );
}
