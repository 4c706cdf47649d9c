import { readFileSync } from 'node:fs';

/**
 * A small CSV reader for the admin-console captures (`psql --csv`): fields separated by commas, quoted
 * with double quotes when they hold a comma, a quote (doubled) or a line break. An unquoted empty field
 * is how psql prints NULL, so it becomes null; a quoted empty field stays ''.
 */
export function parseCsv(text: string): Record<string, string | null>[] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  const endField = (): void => {
    record.push(field === '' && !quoted ? null : field);
    field = '';
    quoted = false;
  };
  const endRecord = (): void => {
    endField();
    records.push(record);
    record = [];
  };
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inQuotes) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        inQuotes = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      inQuotes = true;
      quoted = true;
    } else if (char === ',') {
      endField();
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i += 1;
      endRecord();
    } else {
      field += char;
    }
  }
  if (inQuotes) throw new Error('CSV: unterminated quoted field');
  if (field !== '' || quoted || record.length > 0) endRecord();

  const [header, ...rows] = records;
  if (!header) return [];
  const names = header.map((name) => name ?? '');
  return rows.map((row) => {
    if (row.length !== names.length) throw new Error(`CSV: a row has ${row.length} fields, the header ${names.length}`);
    return Object.fromEntries(names.map((name, index) => [name, row[index] ?? null]));
  });
}

export function readCsvFile(url: URL): Record<string, string | null>[] {
  return parseCsv(readFileSync(url, 'utf8'));
}
