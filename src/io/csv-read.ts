/** Reading the project's own CSV outputs back (RFC 4180: quoted fields may hold commas, quotes and line breaks). */

/** Records of a CSV text, header included, each a list of fields. A CR before LF is dropped. */
export function parseCsvText(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      any = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
      any = false;
    } else {
      field += ch;
      any = true;
    }
  }
  if (any) {
    fields.push(field);
    records.push(fields);
  }
  return records;
}

/** The data records of a CSV text as objects keyed by the header's column names (missing fields read as ''). */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsvText(text.startsWith('\uFEFF') ? text.slice(1) : text);
  if (header === undefined) return [];
  return rows
    .filter((row) => !(row.length === 1 && row[0] === ''))
    .map((row) => Object.fromEntries(header.map((name, i) => [name.trim(), row[i] ?? ''])));
}
