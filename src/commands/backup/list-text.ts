import { formatBytes } from '../../text/bytes.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import type { ListedBackup } from '../../backup/files/list.js';

const headers = ['FILE', 'DATABASE', 'TAKEN (UTC)', 'SIZE', 'FORMAT', 'VERIFIED', 'SHA256'] as const;

function cells(backup: ListedBackup): string[] {
  return [
    sanitizeOneLine(backup.file),
    sanitizeOneLine(backup.database ?? '?'),
    backup.takenAt ? backup.takenAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') : '?',
    formatBytes(backup.sizeBytes),
    backup.format ?? '?',
    backup.verified ? 'yes' : 'no',
    backup.sha256 ? `${backup.sha256.slice(0, 12)}…` : '-',
  ];
}

/** A plain table of the listing, with a flagged note under each stray entry. */
export function formatBackupList(dir: string, backups: readonly ListedBackup[]): string {
  if (backups.length === 0) return `no dumps in ${sanitizeOneLine(dir)}`;
  const rows = backups.map(cells);
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: readonly string[]): string => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const out = [line(headers)];
  backups.forEach((backup, index) => {
    out.push(line(rows[index] ?? []));
    if (backup.problem) out.push(`  ! ${sanitizeOneLine(backup.problem)}`);
  });
  const strays = backups.filter((backup) => backup.kind !== 'dump' || !backup.verified).length;
  if (strays > 0) out.push('', `${strays} ${strays === 1 ? 'entry is' : 'entries are'} not a verified dump (marked !).`);
  return out.join('\n');
}

/** The listing for --json: one object per entry, snake_case like the manifest it embeds. */
export function backupListJson(dir: string, backups: readonly ListedBackup[]): unknown {
  return {
    dir,
    backups: backups.map((backup) => ({
      file: backup.file,
      path: backup.path,
      kind: backup.kind,
      database: backup.database,
      taken_at: backup.takenAt,
      size_bytes: backup.sizeBytes,
      format: backup.format,
      verified: backup.verified,
      sha256: backup.sha256,
      problem: backup.problem,
      manifest: backup.manifest,
    })),
  };
}
