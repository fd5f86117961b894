/**
 * Split one CSV-style line into fields (NSRL RDS 2.x, HashKeeper, ICSE, PDQ CSV).
 *
 * Rules: fields are separated by `delimiter`; a field that starts with `"` is quoted, `""` inside it is a literal
 * quote, and the backslash is NOT an escape (HashKeeper writes directories as `"C:\example\"`). Records never span
 * lines in these formats, so an unterminated quote is reported (null) rather than continued on the next line,
 * which keeps a reader's memory bounded by the line cap. Tiny on purpose: no CSV library in the dependency set
 * streams per line with our line-length cap.
 */
export function splitDelimited(line: string, delimiter: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (i < n && line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q === -1) return null;
        value += line.slice(j, q);
        if (line[q + 1] === '"') {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      // Tolerate spaces between the closing quote and the delimiter; anything else is malformed.
      while (j < n && line[j] === ' ') j++;
      if (j < n && !line.startsWith(delimiter, j)) return null;
      out.push(value);
      if (j >= n) return out;
      i = j + delimiter.length;
    } else {
      const d = line.indexOf(delimiter, i);
      if (d === -1) {
        out.push(line.slice(i));
        return out;
      }
      out.push(line.slice(i, d));
      i = d + delimiter.length;
    }
  }
}

/** Header cell → comparable key: quotes already removed; lowercased, spaces/underscores/dashes dropped. */
export function headerKey(cell: string): string {
  return cell.trim().toLowerCase().replace(/[\s_-]+/g, '');
}
