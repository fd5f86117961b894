/**
 * Priority of an unknown picture or video: an explainable score that brings forward what may show a new victim.
 * Every point comes from a named rule with its reason, so a reviewer can see why an item is near the top; the
 * rules are deliberately simple and documented (docs/triage.md), not a learned model.
 *
 * Only files whose verdict is `unknown` and whose type is image/* or video/* get a score; everything else
 * (known-bad, known-good, alert, documents, archives) gets null: it is either already dealt with by a hash set or
 * not visual material.
 */
export interface PriorityFacts {
  status: string | null;
  mime: string | null;
  clusterSize: number | null;
  /** Cases the file's workspace-wide near-duplicate cluster spans (null when not computed or in none). */
  clusterCases: number | null;
  make: string | null;
  model: string | null;
  bodySerial: string | null;
  software: string | null;
  dateTimeOriginal: string | null;
  hasGps: boolean;
  /** How many files of the case carry this file's camera body serial (including this one). */
  serialSeen: number;
}

export interface PriorityReason {
  rule: string;
  points: number;
  detail: string;
}

export interface PriorityScore {
  score: number;
  reasons: PriorityReason[];
}

/** Points per rule (documented in docs/triage.md; change them there too). */
export const PRIORITY_POINTS = {
  unknown: 20,
  cameraOriginal: 20,
  cameraSerial: 5,
  seriesInProduction: 15,
  seriesSizeBonusMax: 10,
  otherCases: 15,
  gps: 15,
  serialSeenElsewhere: 10,
  recentCapture: 10,
} as const;

/** A capture within this many years of the scoring date counts as recent. */
export const RECENT_YEARS = 3;

/** Editing or processing software names; anything else in EXIF Software (camera firmware) still counts as original. */
const EDITORS = /photoshop|lightroom|gimp|snapseed|picsart|facetune|pixelmator|affinity|paint\.net|acdsee|capture one|darktable|luminar|canva|instagram|vsco|irfanview|xnview|imagemagick|graphicsmagick|pillow|whatsapp|telegram|skype/i;

export function scorePriority(f: PriorityFacts, now: Date): PriorityScore | null {
  if (f.status !== 'unknown') return null;
  if (!f.mime || !(f.mime.startsWith('image/') || f.mime.startsWith('video/'))) return null;
  const reasons: PriorityReason[] = [];
  const add = (rule: string, points: number, detail: string) => reasons.push({ rule, points, detail });

  add('unknown', PRIORITY_POINTS.unknown, 'in no hash set: not known material');
  const camera = [f.make, f.model].filter((x): x is string => !!x).join(' ');
  const edited = f.software !== null && EDITORS.test(f.software);
  if (camera && !edited) {
    add('camera-original', PRIORITY_POINTS.cameraOriginal, `camera metadata (${camera}) and no editing software`);
  }
  if (f.bodySerial) add('camera-serial', PRIORITY_POINTS.cameraSerial, `camera body serial ${f.bodySerial}`);
  if (f.clusterSize !== null && f.clusterSize >= 2) {
    const bonus = Math.min(PRIORITY_POINTS.seriesSizeBonusMax, f.clusterSize - 2);
    add('near-duplicates', PRIORITY_POINTS.seriesInProduction + bonus, `${f.clusterSize - 1} unknown near-duplicate(s) in this case: a series`);
  }
  if (f.clusterCases !== null && f.clusterCases >= 2) {
    add('other-cases', PRIORITY_POINTS.otherCases, `near-duplicates in ${f.clusterCases - 1} other case(s) of the workspace: a series that travels`);
  }
  if (f.hasGps) add('gps', PRIORITY_POINTS.gps, 'GPS position in the metadata: a place to investigate');
  if (f.bodySerial && f.serialSeen > 1) {
    add('serial-shared', PRIORITY_POINTS.serialSeenElsewhere, `the same camera serial is on ${f.serialSeen - 1} other file(s) of this case`);
  }
  const taken = parseExifDate(f.dateTimeOriginal);
  if (taken && taken <= now && now.getTime() - taken.getTime() <= RECENT_YEARS * 365.25 * 86_400_000) {
    add('recent', PRIORITY_POINTS.recentCapture, `captured ${f.dateTimeOriginal}, within ${RECENT_YEARS} years`);
  }
  return { score: reasons.reduce((s, r) => s + r.points, 0), reasons };
}

/** EXIF dates as we store them ("2019:05:04 13:01:02", or ISO); null if unreadable. */
function parseExifDate(s: string | null): Date | null {
  if (!s) return null;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})/.exec(s);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return Number.isNaN(d.getTime()) ? null : d;
}
