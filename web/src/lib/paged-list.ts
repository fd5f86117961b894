/**
 * A window of pages over the cursor-paged grid API, for virtual scrolling over cases of a million items.
 *
 * The API pages by opaque cursor (keyset pagination), so page k can only be asked for with the cursor that page
 * k-1 returned. We keep every cursor seen (one short string per 200 items: 5,000 strings for 1 M items) but the
 * ITEMS of only a few pages around what is on screen (`keepPages` either side); the rest are evicted. Scrolling
 * back re-fetches an evicted page from its kept cursor. Scrolling far ahead walks the cursor chain, evicting as it
 * goes, so memory stays bounded by the window whatever the case size.
 *
 * The total is not known up front (a count over a filtered million-row case would cost more than the page): the
 * list reports the rows it knows exist — every full page before the last known cursor, plus the last page's length
 * once the end was reached — and the grid adds one page of placeholders while more exist, so the scrollbar grows as
 * the reviewer goes. A generation number discards answers that arrive after the filter changed or a refresh.
 */
export interface Page<T> { items: T[]; nextCursor: string | null }
export type FetchPage<T> = (cursor: string | null, limit: number) => Promise<Page<T>>;

export class PagedList<T> {
  private readonly cursors: (string | null)[] = [null];
  private readonly pages = new Map<number, T[]>();
  private endPage: number | null = null;
  private endLength = 0;
  private loading: Promise<void> | null = null;
  private generation = 0;
  error: string | null = null;

  constructor(
    private readonly fetchPage: FetchPage<T>,
    readonly pageSize: number,
    private readonly onChange: () => void,
    private readonly keepPages = 2,
  ) {}

  /** Rows known to exist (lower bound while the end is unknown). */
  get knownCount(): number {
    if (this.endPage !== null) return this.endPage * this.pageSize + this.endLength;
    return this.cursors.length * this.pageSize;
  }

  get complete(): boolean {
    return this.endPage !== null;
  }

  /** Pages whose items are held now (for tests and the status line). */
  get loadedPages(): number[] {
    return [...this.pages.keys()].sort((a, b) => a - b);
  }

  get(index: number): T | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /** Every loaded item (for selection ranges and keyboard focus within what is on screen). */
  *loaded(): Generator<[number, T]> {
    for (const p of this.loadedPages) {
      const items = this.pages.get(p)!;
      for (let i = 0; i < items.length; i++) yield [p * this.pageSize + i, items[i]!];
    }
  }

  /** Make rows [from, to) available, fetching pages in cursor order; evicts pages far from that range. */
  ensure(from: number, to: number): Promise<void> {
    if (this.loading) return this.loading.then(() => this.ensure(from, to));
    const first = Math.max(0, Math.floor(from / this.pageSize));
    const last = Math.max(first, Math.floor(Math.max(from, to - 1) / this.pageSize));
    const gen = this.generation;
    const run = async () => {
      for (let p = first; p <= last; p++) {
        if (this.endPage !== null && p > this.endPage) break;
        if (this.pages.has(p)) continue;
        // Walk the cursor chain up to p (pages in between are fetched only for their cursors and evicted below).
        while (this.cursors.length <= p && this.endPage === null) {
          await this.load(this.cursors.length - 1, gen);
          if (gen !== this.generation) return;
          this.evict(first, last);
        }
        if (this.endPage !== null && p > this.endPage) break;
        if (!this.pages.has(p)) await this.load(p, gen);
        if (gen !== this.generation) return;
      }
      this.evict(first, last);
    };
    this.loading = run()
      .catch((err: unknown) => {
        this.error = err instanceof Error ? err.message : String(err);
      })
      .finally(() => {
        this.loading = null;
        this.onChange();
      });
    return this.loading;
  }

  /** Re-fetch the pages held now (after a categorisation: the order by priority does not change). */
  async refresh(): Promise<void> {
    if (this.loading) await this.loading;
    const gen = this.generation;
    for (const p of this.loadedPages) {
      await this.load(p, gen);
      if (gen !== this.generation) return;
    }
    this.onChange();
  }

  /** Forget everything (the list is about to be thrown away). */
  dispose(): void {
    this.generation++;
    this.pages.clear();
  }

  private async load(p: number, gen: number): Promise<void> {
    const cursor = this.cursors[p];
    if (cursor === undefined) throw new Error(`page ${p} has no cursor yet`);
    const page = await this.fetchPage(cursor, this.pageSize);
    if (gen !== this.generation) return;
    this.error = null;
    this.pages.set(p, page.items);
    if (page.nextCursor === null) {
      this.endPage = p;
      this.endLength = page.items.length;
      this.cursors.length = p + 1;
    } else if (this.cursors.length === p + 1) {
      this.cursors.push(page.nextCursor);
    } else {
      this.cursors[p + 1] = page.nextCursor;
    }
    this.onChange();
  }

  private evict(first: number, last: number): void {
    for (const p of [...this.pages.keys()]) if (p < first - this.keepPages || p > last + this.keepPages) this.pages.delete(p);
  }
}
