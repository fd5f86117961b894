/** ISO-8601 UTC text, the one time representation in the store. Invalid dates become null. */
export function isoOrNull(d: Date | number | null | undefined): string | null {
  if (d === null || d === undefined) return null;
  const date = typeof d === 'number' ? new Date(d) : d;
  return Number.isFinite(date.getTime()) ? date.toISOString() : null;
}

export function nowIso(): string {
  return new Date().toISOString();
}

/** An ISO-8601 UTC time `minutes` later (negative: earlier). */
export function addMinutesIso(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}
