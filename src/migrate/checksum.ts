import { createHash } from 'node:crypto';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A file's bytes as they count for its checksum and as they are run: no UTF-8 BOM, CRLF folded to LF. */
export function normalizeMigrationBytes(content: Buffer): Buffer {
  const body = content.subarray(0, 3).equals(BOM) ? content.subarray(3) : content;
  if (!body.includes(0x0d)) return body;
  const out = Buffer.alloc(body.length);
  let length = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i] ?? 0;
    if (byte === 0x0d && body[i + 1] === 0x0a) continue;
    out[length++] = byte;
  }
  return out.subarray(0, length);
}

/** sha256 (hex) of a migration file, so that a BOM or Windows line endings alone are not a change. */
export function migrationChecksum(content: Buffer | string): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return createHash('sha256').update(normalizeMigrationBytes(bytes)).digest('hex');
}
