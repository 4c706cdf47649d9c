import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { finding, type FindingText } from '../finding.js';
import type { HealthInput } from '../input.js';
import { pairText, severityOf } from '../../config/health-thresholds.js';
import type { Finding } from '../types.js';

/** Migrations in the configured directory: dirty is critical; drifted, missing, out-of-order and pending are warnings. */
export function checkMigrations(input: HealthInput): Finding[] {
  const piece = input.migrations;
  if (!piece) return [];
  const text: FindingText = {
    why: 'a schema that differs from its migrations breaks the next deploy: a half-applied (dirty) one may leave the schema broken now',
    action: 'open view 4: apply pending files (a), restore an edited file from version control, finish or repair a dirty one by hand',
    threshold: 'critical when dirty; warning when drifted, missing, out of order or pending',
  };
  if (!piece.ok) return [finding('migrations.state', 'unknown', `cannot check ${sanitizeOneLine(piece.dir)}: ${piece.reason}`, text)];
  const entries = piece.value.entries;
  const count = (state: string): number => entries.filter((entry) => entry.state === state).length;
  const states = ['dirty', 'drifted', 'missing', 'out-of-order', 'pending'].map((state) => ({ state, n: count(state) })).filter((s) => s.n > 0);
  if (states.length === 0) return [finding('migrations.state', 'ok', `${entries.length} migration(s), all applied`, text)];
  const problems = entries.filter((entry) => entry.state !== 'applied' && entry.state !== 'baseline');
  return [
    finding(
      'migrations.state',
      count('dirty') > 0 ? 'critical' : 'warning',
      `migrations: ${states.map((s) => `${s.n} ${s.state}`).join(', ')}`,
      text,
      problems.slice(0, 10).map((entry) => `${sanitizeOneLine(entry.fileName)}: ${entry.state}`),
      { kind: 'view', view: 'migrations' },
    ),
  ];
}

/** Backups of the connected database: the newest verified dump's age, and dumps that failed verification. */
export function checkBackups(input: HealthInput): Finding[] {
  const piece = input.backups;
  if (!piece) return [];
  const t = input.thresholds;
  const ageText: FindingText = {
    why: 'the last good backup is what you restore after a mistake or a lost disk: everything since is at risk',
    action: 'run pgtop backup (b in view 5) and schedule it (cron or a systemd timer)',
    threshold: `${pairText('seconds', t.backupAgeWarning, t.backupAgeCritical)} since the newest verified dump; critical when there is none`,
  };
  const verifyText: FindingText = {
    why: 'a dump that fails verification cannot be restored: it only looks like a backup',
    action: 'take a new backup now; keep the failed file for inspection or delete it',
    threshold: 'critical for any dump whose last verification failed',
  };
  if (!piece.ok) {
    const reason = `cannot check ${sanitizeOneLine(piece.dir)}: ${piece.reason}`;
    return [finding('backups.age', 'unknown', reason, ageText), finding('backups.verify', 'unknown', reason, verifyText)];
  }
  const ours = piece.value.filter((backup) => backup.database === null || backup.database === piece.database);
  const good = ours.filter((backup) => backup.kind === 'dump' && backup.verified && backup.takenAt !== null).sort((a, b) => Date.parse(b.takenAt!) - Date.parse(a.takenAt!));
  const newest = good[0];
  const findings: Finding[] = [];
  if (!newest) {
    findings.push(finding('backups.age', 'critical', `no verified dump of ${sanitizeOneLine(piece.database)} in ${sanitizeOneLine(piece.dir)}`, ageText, [], { kind: 'view', view: 'backups' }));
  } else {
    const age = Math.max(0, (input.now - Date.parse(newest.takenAt!)) / 1000);
    findings.push(finding('backups.age', severityOf(age, t.backupAgeWarning, t.backupAgeCritical), `newest verified dump is ${formatDuration(age)} old (${sanitizeOneLine(newest.file)})`, ageText, [], { kind: 'view', view: 'backups' }));
  }
  const failed = ours.filter((backup) => backup.kind === 'dump' && !backup.verified);
  findings.push(
    failed.length === 0
      ? finding('backups.verify', 'ok', 'no dump failed verification', verifyText)
      : finding('backups.verify', 'critical', `${failed.length} dump(s) failed verification`, verifyText, failed.map((b) => `${sanitizeOneLine(b.file)}: ${sanitizeOneLine(b.problem ?? 'verification failed')}`), { kind: 'view', view: 'backups' }),
  );
  return findings;
}
