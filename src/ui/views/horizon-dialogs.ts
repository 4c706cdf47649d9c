import type { AppState, Dialog } from '../../store/state.js';
import { formatBytes } from '../../text/bytes.js';
import { formatDuration } from '../../text/duration.js';
import { sanitizeOneLine } from '../../text/sanitize.js';
import { dialogStyle, overlayBox } from '../components/overlay.js';

type DialogOf<K extends Dialog['kind']> = Extract<Dialog, { kind: K }>;

/** Drop a replication slot: names the slot and the server, and waits for the slot's name typed. */
export function dropSlotBox(state: AppState, body: string[], dialog: DialogOf<'drop-slot'>): string[] {
  const { slot } = dialog;
  const name = sanitizeOneLine(slot.name);
  const kind = slot.type ? `${slot.type} slot` : 'slot';
  const where = slot.database ? ` of database ${sanitizeOneLine(slot.database)}` : '';
  const retained = slot.retainedBytes === null ? '' : `, retaining ${formatBytes(slot.retainedBytes)} of WAL`;
  const lines = [
    `inactive ${kind} ${name}${where} on ${sanitizeOneLine(dialog.target)}${retained}.`,
    'Its consumer (a standby or a logical subscriber) can no longer resume from it:',
    'it must then be rebuilt or resynchronised.',
    '',
    `Type the slot name (${name}) and Enter to drop it; Esc cancels.`,
    `> ${sanitizeOneLine(dialog.typed)}█`,
  ];
  return overlayBox(body, state.terminal.columns, `Drop replication slot ${name}?`, lines, dialogStyle);
}

/** ROLLBACK PREPARED: names the transaction, its database, owner and age, and the server. */
export function rollbackPreparedBox(state: AppState, body: string[], dialog: DialogOf<'rollback-prepared'>): string[] {
  const p = dialog.prepared;
  const held = p.ageSeconds === null ? '' : `, prepared ${formatDuration(p.ageSeconds)} ago`;
  const lines = [
    `prepared transaction ${sanitizeOneLine(p.gid)} of ${sanitizeOneLine(p.owner ?? '?')} in database ${sanitizeOneLine(p.database)}`,
    `on ${sanitizeOneLine(dialog.target)}: ${p.ageXids} transactions old${held}.`,
    'Its changes are discarded and its locks released; the transaction manager that',
    'prepared it will find it gone.',
    '',
    'y roll back    n / Esc / any other key: do nothing (default)',
  ];
  return overlayBox(body, state.terminal.columns, `ROLLBACK PREPARED '${sanitizeOneLine(p.gid)}'?`, lines, dialogStyle);
}
