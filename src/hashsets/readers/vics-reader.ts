/**
 * Project VIC VICS JSON (1.x OData v3 `odata.metadata`, 2.0 OData v4 `@odata.context`), streamed.
 *
 * Shapes (shared/notes/forensic-formats.md §1.3): `#Media` hash sets are `{"value":[Media, …]}`; `#Cases` exports
 * are `{"value":[Case{…, "Media":[Media{…, "MediaFiles":[…]}]}]}`. Both are read from stream-json's tokenizer
 * (`jsonParser`, driven synchronously chunk by chunk, so the consumer's pace is the read pace and there is no
 * stream plumbing) by a small state machine that walks root → value[] → Case → Media[] and hands each Media object
 * to a `CappedJsonCollector`. Bulky per-media arrays we do not keep (Exifs, Segments, MediaMetadata, …) are
 * skipped token by token, never assembled. Memory is one Media at a time, with hard caps.
 *
 * Reading rules (notes §1.6, §1.8):
 *  - field names are case-insensitive; `odata.*` / `*@odata.*` annotations are ignored; a leading BOM is fine;
 *  - the shape comes from the context URL; without one (or when `value` precedes it) an element of `value` is a
 *    Case if it has a `Media` array and a Media otherwise;
 *  - `Category` is kept exactly as written ("0", "2", …), null when absent or null ("uncategorized"); the profile
 *    travels in `info.categoryScheme` ("VICS 2.0 US");
 *  - booleans accept true/"true"/1/"yes"… and stay null when absent (absent ≠ false);
 *  - MD5/SHA1 fields, `SHA256`/`PDQ` fields if a writer adds them, and `AlternativeHashes` rows (SHA256, PDQ,
 *    PhotoDNA) give the hashes; PhotoDNA stays an opaque string;
 *  - name = first `MediaFiles[].FileName`, size = `MediaSize` (number or string).
 * Locations are 0-based JSON indices: `Media[3]` for hash sets, `Cases[0].Media[3]` for case exports.
 * A truncated or syntactically broken document throws `HashSetReadError` (the importer keeps nothing).
 */
import { readChunks } from '../file-chunks.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import {
  arrayLength,
  Budget,
  CappedJsonCollector,
  JsonNumber,
  MAX_STRING,
  type JsonObject,
  type JsonValue,
} from '../capped-json-collector.js';
import { algorithmFromName, capText, parseSize, tolerantBoolean } from '../field-normalise.js';
import { HashSetReadError, type HashSetRecord } from '../hash-set-record.js';
import { HashFields, record, type ReadContext } from '../read-context.js';

/** Retained characters per Media record (strings, numbers, 16 per container). */
const RECORD_BUDGET = 4 * 1024 * 1024;
const MEDIA_SKIP = new Set(['exifs', 'segments', 'mediametadata', 'repositories', 'identifiers', 'cases', 'media']);
const CASE_KEEP = new Set(['caseid', 'casenumber']);

export interface VicsContext {
  version: string | null;
  profile: string | null;
  shape: 'Media' | 'Cases' | null;
}

/** `…/DataModels/2.0.xml/US/$metadata#Cases` → {version "2.0", profile "US", shape "Cases"}. */
export function parseVicsContext(url: string): VicsContext {
  const m = /DataModels\/(\d+(?:\.\d+)*)\.xml(?:\/([^/$#]+))?(?:\/\$metadata)?#(\w+)/i.exec(url);
  const shapeText = m?.[3]?.toLowerCase() ?? /#(\w+)/.exec(url)?.[1]?.toLowerCase();
  return {
    version: m?.[1] ?? null,
    profile: m?.[2] ?? null,
    shape: shapeText === 'media' ? 'Media' : shapeText === 'cases' ? 'Cases' : null,
  };
}

type Frame =
  | { role: 'root'; key: string | null }
  | { role: 'values'; index: number }
  | { role: 'entry'; key: string | null; index: number; kind: 'media' | 'case' | 'unknown'; fields: JsonObject; budget: Budget }
  | { role: 'caseMedia'; caseIndex: number; index: number; caseInfo: JsonObject }
  | { role: 'media'; key: string | null; location: string; fields: JsonObject; budget: Budget; caseInfo: JsonObject };

const isValueStart = (t: Token): boolean =>
  t.name === 'startObject' || t.name === 'startArray' || t.name === 'startString' || t.name === 'startNumber' ||
  t.name === 'nullValue' || t.name === 'trueValue' || t.name === 'falseValue';

class VicsMachine {
  readonly out: HashSetRecord[] = [];
  readonly stack: Frame[] = [];
  started = false;
  rootClosed = false;
  sawValue = false;
  /** Last place a record was completed (for error messages). */
  lastLocation = 'before the first record';
  private collector: CappedJsonCollector | null = null;
  private sink: ((v: JsonValue | undefined) => void) | null = null;
  /** A string/number field of a Media being read inline (no collector: the common case, kept cheap). */
  private scalar: { target: JsonObject; key: string; text: string; isNumber: boolean; budget: Budget } | null = null;
  private keyText = '';
  private inKey = false;
  private declaredShape: 'Media' | 'Cases' | null = null;

  constructor(private readonly ctx: ReadContext) {}

  push(tok: Token): void {
    const scalar = this.scalar;
    if (scalar) {
      if (tok.name === 'stringChunk' || tok.name === 'numberChunk') {
        const max = scalar.isNumber ? 64 : MAX_STRING;
        if (scalar.text.length < max) scalar.text += tok.value.slice(0, max - scalar.text.length);
      } else if (tok.name === 'endString' || tok.name === 'endNumber') {
        this.scalar = null;
        if (scalar.budget.take(scalar.key.length + scalar.text.length + 16)) {
          scalar.target[scalar.key] = scalar.isNumber ? new JsonNumber(scalar.text) : scalar.text;
        }
      }
      return;
    }
    if (this.collector) {
      if (this.collector.push(tok)) {
        const c = this.collector;
        const sink = this.sink!;
        this.collector = null;
        this.sink = null;
        sink(c.value);
      }
      return;
    }
    if (this.stack.length === 0) {
      if (this.started) return; // the parser itself rejects anything after the root value
      if (tok.name !== 'startObject') {
        throw new HashSetReadError('not a VICS document: the JSON top level is not an object', this.ctx.path);
      }
      this.started = true;
      this.stack.push({ role: 'root', key: null });
      return;
    }
    const top = this.stack[this.stack.length - 1]!;
    switch (tok.name) {
      case 'startKey':
        this.inKey = true;
        this.keyText = '';
        return;
      case 'stringChunk':
        if (this.inKey && this.keyText.length < 1024) this.keyText += tok.value;
        return;
      case 'endKey':
        this.inKey = false;
        if ('key' in top) top.key = this.keyText.toLowerCase();
        return;
      case 'endObject':
      case 'endArray':
        this.stack.pop();
        this.closed(top);
        return;
      default:
        if (isValueStart(tok)) this.valueStart(top, tok);
    }
  }

  private collect(tok: Token, budget: Budget | null, sink: (v: JsonValue | undefined) => void): void {
    const c = new CappedJsonCollector(budget);
    if (c.push(tok)) sink(c.value);
    else {
      this.collector = c;
      this.sink = sink;
    }
  }

  private skip(tok: Token): void {
    const c = new CappedJsonCollector(null, false);
    if (!c.push(tok)) {
      this.collector = c;
      this.sink = () => undefined;
    }
  }

  private valueStart(top: Frame, tok: Token): void {
    switch (top.role) {
      case 'root': {
        const key = top.key ?? '';
        if ((key === 'odata.metadata' || key === '@odata.context') && tok.name === 'startString') {
          this.collect(tok, null, (v) => {
            if (typeof v === 'string') this.setContext(v);
          });
        } else if (key === 'value') {
          if (tok.name !== 'startArray') {
            throw new HashSetReadError('not a VICS document: "value" is not an array', this.ctx.path);
          }
          this.sawValue = true;
          this.stack.push({ role: 'values', index: 0 });
        } else {
          this.skip(tok);
        }
        return;
      }
      case 'values': {
        const index = top.index++;
        if (tok.name !== 'startObject') {
          this.ctx.malformed(this.label(index), 'not a JSON object');
          this.skip(tok);
          return;
        }
        const kind = this.declaredShape === 'Cases' ? 'case' : this.declaredShape === 'Media' ? 'media' : 'unknown';
        this.stack.push({ role: 'entry', key: null, index, kind, fields: Object.create(null) as JsonObject, budget: new Budget(RECORD_BUDGET) });
        return;
      }
      case 'caseMedia': {
        const index = top.index++;
        const location = `Cases[${top.caseIndex}].Media[${index}]`;
        if (tok.name !== 'startObject') {
          this.ctx.malformed(location, 'not a JSON object');
          this.skip(tok);
          return;
        }
        this.stack.push({
          role: 'media', key: null, location, fields: Object.create(null) as JsonObject,
          budget: new Budget(RECORD_BUDGET), caseInfo: top.caseInfo,
        });
        return;
      }
      case 'entry':
      case 'media': {
        const key = top.key ?? '';
        if (top.role === 'entry' && key === 'media' && top.kind !== 'media' && tok.name === 'startArray') {
          top.kind = 'case';
          const caseInfo = Object.create(null) as JsonObject;
          for (const k of CASE_KEEP) if (top.fields[k] !== undefined) caseInfo[k] = top.fields[k]!;
          this.stack.push({ role: 'caseMedia', caseIndex: top.index, index: 0, caseInfo });
          return;
        }
        const caseLevel = top.role === 'entry' && top.kind === 'case';
        if (key.startsWith('odata.') || key.includes('@odata.') || (caseLevel ? !CASE_KEEP.has(key) : MEDIA_SKIP.has(key))) {
          this.skip(tok);
          return;
        }
        const fields = top.fields;
        // A string cut at MAX_STRING needs no flag: hashes are length-checked and free text is capped anyway.
        if (tok.name === 'startString' || tok.name === 'startNumber') {
          this.scalar = { target: fields, key, text: '', isNumber: tok.name === 'startNumber', budget: top.budget };
          return;
        }
        if (tok.name === 'nullValue' || tok.name === 'trueValue' || tok.name === 'falseValue') {
          if (top.budget.take(key.length + 16)) fields[key] = tok.value;
          return;
        }
        this.collect(tok, top.budget, (v) => {
          if (v !== undefined) fields[key] = v;
        });
        return;
      }
    }
  }

  private closed(frame: Frame): void {
    switch (frame.role) {
      case 'root':
        this.rootClosed = true;
        return;
      case 'entry':
        if (frame.kind === 'case' || (this.declaredShape === 'Cases' && frame.kind !== 'media')) {
          this.ctx.info.cases++;
          this.lastLocation = `Cases[${frame.index}]`;
        } else {
          this.finishMedia(this.label(frame.index), frame.fields, frame.budget, null);
        }
        return;
      case 'media':
        this.finishMedia(frame.location, frame.fields, frame.budget, frame.caseInfo);
        return;
      default:
        return;
    }
  }

  private label(index: number): string {
    return this.declaredShape === 'Cases' ? `Cases[${index}]` : `Media[${index}]`;
  }

  private setContext(url: string): void {
    const info = this.ctx.info;
    info.contextUrl = url;
    const c = parseVicsContext(url);
    info.version = c.version;
    info.profile = c.profile;
    info.shape = c.shape;
    if (!this.sawValue) this.declaredShape = c.shape;
    info.categoryScheme = `VICS${c.version ? ` ${c.version}` : ''}${c.profile ? ` ${c.profile}` : ''}`;
    if (c.version === null) this.ctx.note(`context URL is not a recognised VICS data-model URL: ${url}`);
  }

  private finishMedia(location: string, fields: JsonObject, budget: Budget, caseInfo: JsonObject | null): void {
    this.lastLocation = location;
    const rec = mediaRecord(this.ctx, location, fields, budget, caseInfo);
    if (rec) this.out.push(rec);
  }
}

const scalarText = (v: JsonValue | undefined): string | null =>
  typeof v === 'string' ? v : v instanceof JsonNumber ? v.text : typeof v === 'boolean' ? String(v) : null;

const plain = (v: JsonValue | undefined): unknown => (v instanceof JsonNumber ? v.toNumber() : v);

/** Free text that writers sometimes give as a list or object (Series, Tags: notes §1.6 quirk 6). */
function freeText(v: JsonValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : capText(v);
  if (v instanceof JsonNumber || typeof v === 'boolean') return String(plain(v));
  return capText(JSON.stringify(v, (_k, x: unknown) => (x instanceof JsonNumber ? x.toNumber() : x)));
}

const asObject = (v: JsonValue | undefined): JsonObject | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof JsonNumber) ? v : null;

function mediaRecord(ctx: ReadContext, location: string, f: JsonObject, budget: Budget, caseInfo: JsonObject | null): HashSetRecord | null {
  const hashes = new HashFields();
  hashes.add('md5', f.md5, 'MD5');
  hashes.add('sha1', f.sha1, 'SHA1');
  hashes.add('sha256', f.sha256 ?? f['sha-256'], 'SHA256');
  hashes.add('pdq', f.pdq, 'PDQ');
  let photoDna: string | null = typeof f.photodna === 'string' && f.photodna.trim() !== '' ? f.photodna.trim() : null;
  if (Array.isArray(f.alternativehashes)) {
    for (const row of f.alternativehashes) {
      const o = asObject(row);
      const name = typeof o?.hashname === 'string' ? o.hashname : null;
      if (!o || name === null) continue;
      if (name.trim().toLowerCase() === 'photodna') {
        if (photoDna === null && typeof o.hashvalue === 'string' && o.hashvalue.trim() !== '') photoDna = o.hashvalue.trim();
        continue;
      }
      const alg = algorithmFromName(name);
      if (alg !== null && hashes.hashes[alg] === undefined) hashes.add(alg, o.hashvalue, `AlternativeHashes ${name}`);
    }
  }
  let category: string | null = null;
  if (f.category !== undefined && f.category !== null) {
    category = scalarText(f.category);
    if (category === null || typeof f.category === 'boolean') {
      category = null;
      hashes.problems.push('Category is not a number or a string (ignored)');
    }
  }
  if (budget.exceeded) hashes.problems.push(`the record holds more than ${RECORD_BUDGET} characters of data; the rest was not read`);
  if (!hashes.settle(ctx, location, 'no MD5, SHA1, SHA256 or PDQ value')) return null;

  const files = Array.isArray(f.mediafiles) ? f.mediafiles : null;
  const firstFile = files && files.length > 0 ? asObject(files[0]) : null;
  const size = f.mediasize === undefined ? null : parseSize(scalarText(f.mediasize) ?? undefined);
  const flag = (k: string): boolean | null => (f[k] === undefined ? null : tolerantBoolean(plain(f[k])));
  const extra: Record<string, unknown> = {
    mediaId: f.mediaid === undefined ? null : (plain(f.mediaid) ?? null),
    series: freeText(f.series),
    tags: freeText(f.tags),
    comments: freeText(f.comments),
    victimIdentified: flag('victimidentified'),
    offenderIdentified: flag('offenderidentified'),
    isDistributed: flag('isdistributed'),
    isSuspected: flag('issuspected'),
    selfGenerated: flag('selfgenerated'),
    isPrecategorized: flag('isprecategorized'),
    mimeType: freeText(f.mimetype),
    dateUpdated: freeText(f.dateupdated),
    filePath: firstFile ? freeText(firstFile.filepath) : null,
    mediaFileCount: files ? arrayLength(files) : null,
  };
  if (caseInfo) {
    extra.caseId = freeText(caseInfo.caseid);
    extra.caseNumber = freeText(caseInfo.casenumber);
  }
  return record(hashes.hashes, {
    category,
    baseline: f.baseline === undefined ? null : tolerantBoolean(plain(f.baseline)),
    name: firstFile && typeof firstFile.filename === 'string' ? firstFile.filename : null,
    size,
    photoDna,
    extra,
  });
}

export async function* readVics(ctx: ReadContext): AsyncGenerator<HashSetRecord> {
  const machine = new VicsMachine(ctx);
  const tokenize = jsonParser({ packValues: false, streamValues: true });
  const decoder = new TextDecoder('utf-8'); // drops a leading BOM (notes §1.6 quirk 2)
  let bytes = 0;
  const run = (text: string): void => {
    if (text === '') return;
    let tokens;
    try {
      tokens = tokenize(text);
    } catch (err) {
      throw new HashSetReadError(
        `VICS JSON is malformed near byte ${bytes} (last complete record: ${machine.lastLocation}): ${(err as Error).message}`,
        ctx.path,
      );
    }
    if (typeof tokens === 'symbol') return; // stream-json's `none`: no complete token yet
    for (const t of tokens.values) machine.push(t);
  };
  for await (const chunk of readChunks(ctx.path)) {
    run(decoder.decode(chunk, { stream: true }));
    bytes += chunk.length;
    for (const r of machine.out.splice(0)) yield ctx.emit(r);
  }
  run(decoder.decode());
  for (const r of machine.out.splice(0)) yield ctx.emit(r);
  if (!machine.started) throw new HashSetReadError('VICS JSON is empty (no JSON object)', ctx.path);
  if (!machine.rootClosed) {
    throw new HashSetReadError(
      `VICS JSON is truncated: the file ends after ${bytes} bytes inside the document (last complete record: ${machine.lastLocation})`,
      ctx.path,
    );
  }
  if (!machine.sawValue) throw new HashSetReadError('not a VICS document: no "value" array', ctx.path);
  if (ctx.info.contextUrl === null) {
    ctx.info.shape = ctx.info.cases > 0 ? 'Cases' : 'Media';
    ctx.info.categoryScheme = 'VICS (no context URL; version and profile unknown)';
    ctx.note('no odata.metadata / @odata.context: shape inferred from the content');
  }
}
