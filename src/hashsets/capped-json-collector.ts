/**
 * Assemble one JSON value from stream-json tokens, with hard limits. Pure, no I/O.
 *
 * Why not stream-json's Assembler: it builds whatever it is given, so one hostile record (a 2 GB string, a
 * million-element array) would be held in memory whole; it also needs packed tokens (whole strings). Here the
 * parser runs with streamed (unpacked) tokens and this collector keeps:
 *  - strings up to `MAX_STRING` characters (the rest is counted, not kept; `truncated` is set),
 *  - arrays up to `MAX_ITEMS` elements (the total length is remembered, see `arrayLength`),
 *  - objects up to `MAX_KEYS` keys, nesting up to `MAX_DEPTH`,
 *  - a shared per-record `Budget` of retained characters.
 * Keys are lowercased (VICS field names are case-insensitive in practice) and objects have a null prototype, so
 * a `__proto__` key is an ordinary property. Numbers are kept as their literal text (`JsonNumber`) so that a value
 * such as `Category: 1` is reported exactly as written.
 */
import type { Token } from 'stream-json/core/parser.js';

export const MAX_STRING = 64 * 1024;
export const MAX_ITEMS = 64;
export const MAX_KEYS = 256;
export const MAX_DEPTH = 8;
const MAX_NUMBER = 64;
const MAX_KEY = 1024;

export class JsonNumber {
  constructor(readonly text: string) {}
  toNumber(): number {
    return Number(this.text);
  }
}

export type JsonValue = string | JsonNumber | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Retained characters allowed for one record, shared by all its collectors. */
export class Budget {
  used = 0;
  exceeded = false;
  constructor(readonly limit: number) {}
  take(n: number): boolean {
    if (this.used + n > this.limit) {
      this.exceeded = true;
      return false;
    }
    this.used += n;
    return true;
  }
}

const lengths = new WeakMap<JsonValue[], number>();
/** Element count of an array as it was in the file (the collector keeps at most MAX_ITEMS). */
export function arrayLength(a: JsonValue[]): number {
  return lengths.get(a) ?? a.length;
}

interface Frame {
  container: JsonValue[] | JsonObject | null; // null: being skipped
  key: string | null;
  count: number;
}

export class CappedJsonCollector {
  value: JsonValue | undefined = undefined;
  /** Some string was longer than MAX_STRING and was cut. */
  truncated = false;
  private readonly stack: Frame[] = [];
  private text = '';
  private textKeep = true;
  private inKey = false;
  private inString = false;
  private inNumber = false;

  /** `keep` false: consume the value's tokens and keep nothing (skipping a subtree). */
  constructor(private readonly budget: Budget | null, private readonly keep = true) {}

  /** Feed one token; returns true once the value is complete (then read `value`). */
  push(tok: Token): boolean {
    switch (tok.name) {
      case 'startObject':
      case 'startArray': {
        const keep = this.childKeep() && this.stack.length < MAX_DEPTH && this.charge(16);
        const container = keep ? (tok.name === 'startObject' ? (Object.create(null) as JsonObject) : []) : null;
        this.stack.push({ container, key: null, count: 0 });
        return false;
      }
      case 'endObject':
      case 'endArray': {
        const frame = this.stack.pop()!;
        if (Array.isArray(frame.container) && frame.count > frame.container.length) lengths.set(frame.container, frame.count);
        return this.attach(frame.container, frame.container !== null);
      }
      case 'startKey':
        this.inKey = true;
        this.text = '';
        return false;
      case 'endKey': {
        this.inKey = false;
        const top = this.stack[this.stack.length - 1]!;
        top.key = this.text.toLowerCase();
        this.text = '';
        return false;
      }
      case 'startString':
        this.inString = true;
        this.text = '';
        this.textKeep = this.childKeep();
        return false;
      case 'startNumber':
        this.inNumber = true;
        this.text = '';
        this.textKeep = this.childKeep();
        return false;
      case 'stringChunk':
      case 'numberChunk': {
        const max = this.inKey ? MAX_KEY : this.inNumber ? MAX_NUMBER : MAX_STRING;
        if (this.inKey || this.textKeep) {
          if (this.text.length + tok.value.length <= max) this.text += tok.value;
          else {
            if (this.inString && this.text.length < max) this.text += tok.value.slice(0, max - this.text.length);
            this.truncated = true;
          }
        }
        return false;
      }
      case 'endString': {
        this.inString = false;
        const s = this.text;
        this.text = '';
        return this.attach(s, this.textKeep && this.charge(s.length));
      }
      case 'endNumber': {
        this.inNumber = false;
        const s = this.text;
        this.text = '';
        return this.attach(new JsonNumber(s), this.textKeep && this.charge(s.length));
      }
      case 'nullValue':
        return this.attach(null, this.childKeep());
      case 'trueValue':
        return this.attach(true, this.childKeep());
      case 'falseValue':
        return this.attach(false, this.childKeep());
      default:
        return false; // packed tokens / whitespace are not produced with the parser options we use
    }
  }

  /** Whether a value starting now would be kept by its parent. */
  private childKeep(): boolean {
    if (this.stack.length === 0) return this.keep;
    const top = this.stack[this.stack.length - 1]!;
    if (top.container === null) return false;
    return Array.isArray(top.container) ? top.count < MAX_ITEMS : top.count < MAX_KEYS;
  }

  private charge(n: number): boolean {
    return this.budget === null || this.budget.take(n);
  }

  private attach(v: JsonValue, keep: boolean): boolean {
    if (this.stack.length === 0) {
      this.value = keep ? v : undefined;
      return true;
    }
    const top = this.stack[this.stack.length - 1]!;
    if (keep && top.container !== null) {
      if (Array.isArray(top.container)) top.container.push(v);
      else top.container[top.key ?? ''] = v;
    }
    top.count++;
    return false;
  }
}
