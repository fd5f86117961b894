/**
 * Minimal streaming XML tokenizer: push text chunks in, get open/close/text events out. Pure, no I/O.
 *
 * Why our own: the dependency set has no streaming XML parser, and the documents we read (NCMEC hash-sharing API
 * v2 responses) are plain element/attribute/text XML. What is handled: elements, attributes ('…' and "…"),
 * self-closing tags, the five predefined entities and numeric character references, comments, CDATA, processing
 * instructions and DOCTYPE (skipped; no DTD entity is ever expanded, so no XXE or entity bombs). Namespace
 * prefixes are stripped from element and attribute names (`ns:image` → `image`); `xmlns` attributes are kept.
 *
 * Memory is bounded: a single markup construct (tag, comment, …) longer than `maxToken` is an error, and text is
 * emitted in pieces of at most `maxToken` characters, so neither a huge text node nor a missing `>` can grow the
 * buffer. Well-formedness beyond that (matching close tags, a single root, truncation) is checked by the caller,
 * which keeps the element stack anyway.
 */

export type XmlEvent =
  | { type: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean }
  | { type: 'close'; name: string }
  | { type: 'text'; text: string };

export class XmlSyntaxError extends Error {}

const NAME_RE = /^[^\s/>!?]+/;
const ATTR_RE = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

const localName = (name: string): string => {
  const c = name.indexOf(':');
  return c === -1 || name.startsWith('xmlns') ? name : name.slice(c + 1);
};

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);/g, (m, body: string) => {
    if (body.startsWith('#')) {
      const cp = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return PREDEFINED[body] ?? m;
  });
}

export class XmlTokenizer {
  private buf = '';
  /** Characters consumed before `buf` (for error positions). */
  private offset = 0;

  constructor(private readonly maxToken = 64 * 1024) {}

  /** Feed a chunk; returns the events completed by it. */
  push(chunk: string): XmlEvent[] {
    this.buf += chunk;
    const out: XmlEvent[] = [];
    let i = 0;
    const buf = this.buf;
    for (;;) {
      if (i >= buf.length) break;
      if (buf.charCodeAt(i) !== 0x3c /* < */) {
        const lt = buf.indexOf('<', i);
        if (lt !== -1) {
          out.push({ type: 'text', text: decodeEntities(buf.slice(i, lt)) });
          i = lt;
          continue;
        }
        // The text run goes on in the next chunk: emit what we have, holding back a possibly split entity.
        let end = buf.length;
        const amp = buf.lastIndexOf('&');
        if (amp >= i && buf.length - amp < 16 && buf.indexOf(';', amp) === -1) end = amp;
        if (end > i) out.push({ type: 'text', text: decodeEntities(buf.slice(i, end)) });
        i = end;
        break;
      }
      const close = this.markupEnd(buf, i);
      if (close === -1) {
        if (buf.length - i > this.maxToken) this.fail(i, `markup longer than ${this.maxToken} characters`);
        break;
      }
      const raw = buf.slice(i, close + 1);
      if (raw.startsWith('<!--') || raw.startsWith('<?') || raw.startsWith('<!DOCTYPE') || raw.startsWith('<!doctype')) {
        // comment, processing instruction, doctype: skipped
      } else if (raw.startsWith('<![CDATA[')) {
        out.push({ type: 'text', text: raw.slice(9, -3) });
      } else if (raw.startsWith('</')) {
        const m = NAME_RE.exec(raw.slice(2));
        if (!m) this.fail(i, 'close tag without a name');
        out.push({ type: 'close', name: localName(m![0]) });
      } else {
        const m = NAME_RE.exec(raw.slice(1));
        if (!m) this.fail(i, 'tag without a name');
        const selfClosing = raw.endsWith('/>');
        const attrs: Record<string, string> = {};
        const attrText = raw.slice(1 + m![0].length, selfClosing ? -2 : -1);
        for (const a of attrText.matchAll(ATTR_RE)) {
          attrs[localName(a[1]!)] = decodeEntities(a[3] ?? a[4] ?? '');
        }
        out.push({ type: 'open', name: localName(m![0]), attrs, selfClosing });
      }
      i = close + 1;
    }
    this.offset += i;
    this.buf = buf.slice(i);
    return out;
  }

  /** Call at end of input: anything left unconsumed (other than whitespace) is a truncated construct. */
  end(): XmlEvent[] {
    const rest = this.buf;
    this.buf = '';
    if (rest.length === 0) return [];
    if (rest.startsWith('<')) this.fail(0, 'the document ends inside a tag');
    return [{ type: 'text', text: decodeEntities(rest) }];
  }

  /** Index of the `>` ending the construct starting at `i`, or -1 if it is not complete yet. */
  private markupEnd(buf: string, i: number): number {
    if (buf.startsWith('<!--', i)) {
      const e = buf.indexOf('-->', i + 4);
      return e === -1 ? -1 : e + 2;
    }
    if (buf.startsWith('<![CDATA[', i)) {
      const e = buf.indexOf(']]>', i + 9);
      return e === -1 ? -1 : e + 2;
    }
    if (buf.startsWith('<?', i)) {
      const e = buf.indexOf('?>', i + 2);
      return e === -1 ? -1 : e + 1;
    }
    if (buf.length - i < 9 && ('<![CDATA['.startsWith(buf.slice(i)) || '<!--'.startsWith(buf.slice(i)))) return -1;
    if (buf.startsWith('<!', i)) {
      // DOCTYPE, possibly with an internal subset [ … ]
      let depth = 0;
      for (let j = i + 2; j < buf.length; j++) {
        const c = buf[j];
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) return j;
      }
      return -1;
    }
    let quote = '';
    for (let j = i + 1; j < buf.length; j++) {
      const c = buf[j]!;
      if (quote) {
        if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '>') return j;
      else if (c === '<') this.fail(j, 'unexpected "<" inside a tag');
    }
    return -1;
  }

  private fail(at: number, message: string): never {
    throw new XmlSyntaxError(`${message} (near character ${this.offset + at})`);
  }
}
