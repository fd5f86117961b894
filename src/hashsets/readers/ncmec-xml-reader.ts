/**
 * NCMEC Hash Sharing API v2 "entries" responses (`<queryResult xmlns="https://hashsharing.ncmec.org/hashsharing/v2">`),
 * as fetched with `GET /v2/entries` and saved to disk (layout from facebook/ThreatExchange's NCMEC client and its
 * test data, refdata/ncmec-hashsharing).
 *
 *  - `queryResult/images/image` and `queryResult/videos/video` are entries: `<fingerprints>` holds `md5`, `sha1`,
 *    `pdna` (PhotoDNA, kept opaque) and possibly `pdq`; large fingerprints (`tmk-pdqf`, `videntifier`) come as
 *    `href` links and are listed in `extra.linkedFingerprints`, not fetched. `classification` (A1, A2, B1, B2) is
 *    the category, kept exactly as given (scheme "NCMEC classification").
 *  - `deletedImage`/`deletedVideo` withdraw an entry id: they are not hash records; they are counted in
 *    `info.deletions` and handed to `options.onDeletion` so the importer can retire that id.
 *  - `paging/next` (a partial result) goes to `info.nextPage`.
 *  - `feedback` subtrees are skipped.
 * The other documents of the API (status, feedback submissions, feedback reasons, submission results) are refused
 * with a message saying what they are. Truncated or ill-formed XML throws (nothing is kept).
 */
import { readChunks } from '../file-chunks.js';
import { capText } from '../field-normalise.js';
import { HashSetFormatError, HashSetReadError, type HashSetRecord } from '../hash-set-record.js';
import { HashFields, record, type ReadContext } from '../read-context.js';
import { XmlSyntaxError, XmlTokenizer, type XmlEvent } from '../xml-tokenizer.js';

export const NCMEC_NAMESPACE = 'https://hashsharing.ncmec.org/hashsharing/v2';
const MAX_TEXT = 64 * 1024;

const NOT_A_HASH_LIST: Record<string, string> = {
  status: 'the API status reply (<status>: IP address, user name, member), not a hash list',
  feedbackSubmission: 'a feedback submission body (<feedbackSubmission>), not a hash list',
  availableFeedbackReasons: 'the list of feedback reasons (<availableFeedbackReasons>), not a hash list',
  submissionResult: 'a feedback submission result (<submissionResult>), not a hash list',
};

/** Why a document with this root is refused, or null if it is an entries list (`queryResult`). */
export function ncmecRefusal(root: string): string | null {
  if (root === 'queryResult') return null;
  const what = NOT_A_HASH_LIST[root] ?? `a <${root}> document, not an entries list (<queryResult>)`;
  return `NCMEC hash-sharing XML: this is ${what}; import a saved GET /v2/entries response instead`;
}

interface Entry {
  type: 'image' | 'video';
  location: string;
  depth: number;
  deleted: boolean;
  values: Map<string, string>;
  fingerprints: Map<string, string>;
  links: Record<string, string>;
  tooLong: string[];
}

export async function* readNcmecXml(ctx: ReadContext): AsyncGenerator<HashSetRecord> {
  ctx.info.categoryScheme = 'NCMEC classification';
  const tokenizer = new XmlTokenizer(MAX_TEXT);
  const decoder = new TextDecoder('utf-8');
  const stack: string[] = [];
  const counters = { image: 0, video: 0, deletedImage: 0, deletedVideo: 0 };
  let root: string | null = null;
  let entry: Entry | null = null;
  /** Where text currently goes: [map, key] inside an entry, or 'next' for paging. */
  let target: { map: Map<string, string>; key: string } | 'next' | null = null;
  let nextPage = '';
  const out: HashSetRecord[] = [];

  const fail = (message: string): never => {
    throw new HashSetReadError(`NCMEC hash-sharing XML is malformed: ${message}`, ctx.path);
  };

  const appendText = (text: string): void => {
    if (target === 'next') {
      if (nextPage.length < MAX_TEXT) nextPage += text;
      return;
    }
    if (target === null) {
      if (stack.length === 0 && text.trim() !== '') fail('text outside the root element');
      return;
    }
    const prev = target.map.get(target.key) ?? '';
    if (prev.length + text.length > MAX_TEXT) {
      if (entry && !entry.tooLong.includes(target.key)) entry.tooLong.push(target.key);
      return;
    }
    target.map.set(target.key, prev + text);
  };

  const open = (name: string, attrs: Record<string, string>, selfClosing: boolean): void => {
    if (root === null) {
      if (stack.length > 0) fail('more than one root element');
      root = name;
      const refusal = ncmecRefusal(name);
      if (refusal !== null) throw new HashSetFormatError(refusal, ctx.path);
      const ns = attrs.xmlns ?? Object.entries(attrs).find(([k]) => k.startsWith('xmlns:'))?.[1] ?? '';
      ctx.info.version = /\/v(\d+)$/.exec(ns)?.[0].slice(1) ?? null;
      if (ns !== NCMEC_NAMESPACE) ctx.note(`namespace is ${JSON.stringify(ns)}, expected ${NCMEC_NAMESPACE}`);
    } else if (stack.length === 0) {
      fail('more than one root element');
    }
    stack.push(name);
    const depth = stack.length;
    if (entry === null) {
      if (depth === 3 && (stack[1] === 'images' || stack[1] === 'videos')) {
        const type = stack[1] === 'images' ? 'image' : 'video';
        if (name === type || name === (type === 'image' ? 'deletedImage' : 'deletedVideo')) {
          const deleted = name !== type;
          const key = name as keyof typeof counters;
          entry = {
            type, depth, deleted, location: `${name}[${counters[key]++}]`,
            values: new Map(), fingerprints: new Map(), links: {}, tooLong: [],
          };
        }
      } else if (depth === 3 && stack[1] === 'paging' && name === 'next') {
        target = 'next';
      }
    } else if (depth === entry.depth + 1) {
      if (name === 'member') {
        if (attrs.id !== undefined) entry.values.set('memberId', attrs.id);
        target = { map: entry.values, key: 'memberName' };
      } else if (name === 'timestamp' || name === 'id' || name === 'classification') {
        target = { map: entry.values, key: name };
      }
    } else if (depth === entry.depth + 2 && stack[entry.depth] === 'fingerprints') {
      if (attrs.href !== undefined) entry.links[name] = capText(attrs.href, 1024);
      else target = { map: entry.fingerprints, key: name };
    }
    if (selfClosing) close(name);
  };

  const close = (name: string): void => {
    const top = stack.pop();
    if (top !== name) fail(`</${name}> closes <${top ?? 'nothing'}>`);
    target = null;
    if (entry !== null && stack.length === entry.depth - 1) {
      const e = entry;
      entry = null;
      if (e.deleted) {
        ctx.info.deletions++;
        ctx.options.onDeletion?.({
          location: e.location, entryType: e.type, id: e.values.get('id')?.trim() ?? null,
          memberId: e.values.get('memberId') ?? null, timestamp: e.values.get('timestamp')?.trim() ?? null,
        });
      } else {
        const rec = entryRecord(ctx, e);
        if (rec) out.push(rec);
      }
    }
  };

  const handle = (events: XmlEvent[]): void => {
    for (const ev of events) {
      if (ev.type === 'open') open(ev.name, ev.attrs, ev.selfClosing);
      else if (ev.type === 'close') close(ev.name);
      else appendText(ev.text);
    }
  };

  try {
    for await (const chunk of readChunks(ctx.path)) {
      handle(tokenizer.push(decoder.decode(chunk, { stream: true })));
      for (const r of out.splice(0)) yield ctx.emit(r);
    }
    handle(tokenizer.push(decoder.decode()));
    handle(tokenizer.end());
  } catch (err) {
    if (err instanceof XmlSyntaxError) fail(err.message);
    throw err;
  }
  for (const r of out.splice(0)) yield ctx.emit(r);
  if (root === null) fail('no root element (empty or not XML)');
  if (stack.length > 0) fail(`the document is truncated: it ends inside <${stack.join('><')}>`);
  if (nextPage.trim() !== '') ctx.info.nextPage = nextPage.trim();
}

function entryRecord(ctx: ReadContext, e: Entry): HashSetRecord | null {
  const fields = new HashFields();
  fields.add('md5', e.fingerprints.get('md5'));
  fields.add('sha1', e.fingerprints.get('sha1'));
  fields.add('pdq', e.fingerprints.get('pdq'), 'PDQ');
  for (const k of e.tooLong) fields.problems.push(`<${k}> is longer than ${MAX_TEXT} characters`);
  const linked = Object.keys(e.links);
  const missing = `no MD5, SHA-1 or PDQ fingerprint in the entry${linked.length ? ` (only linked fingerprints: ${linked.join(', ')})` : ''}`;
  if (!fields.settle(ctx, e.location, missing)) return null;
  const other: Record<string, string> = {};
  for (const [k, v] of e.fingerprints) if (!['md5', 'sha1', 'pdq', 'pdna'].includes(k)) other[k] = capText(v.trim(), 256);
  const text = (k: string): string | null => {
    const v = e.values.get(k)?.trim();
    return v === undefined || v === '' ? null : v;
  };
  const pdna = e.fingerprints.get('pdna')?.trim();
  const extra: Record<string, unknown> = {
    ncmecId: text('id'),
    entryType: e.type,
    memberId: text('memberId'),
    memberName: text('memberName'),
    timestamp: text('timestamp'),
  };
  if (linked.length > 0) extra.linkedFingerprints = e.links;
  if (Object.keys(other).length > 0) extra.otherFingerprints = other;
  return record(fields.hashes, { category: text('classification'), photoDna: pdna ? pdna : null, extra });
}
