import { parseCommand } from '../../cli/parse.js';
import { connectionFlags } from '../../cli/flags.js';
import { UsageError } from '../../errors.js';
import { openRecordings } from '../../record/reader.js';
import { RecordingCursor } from '../../record/cursor.js';
import { parseRecordedTime } from '../../record/time.js';
import type { Recording } from '../../record/reader.js';
import { THEMES, type ThemeName } from '../../config/config-file.js';
import { documentAt } from './replay-document.js';
import { terminalSafeJson } from '../snapshot/snapshot-json.js';

export const replayHelp = `Usage: pgtop replay FILE… [--at TIME] [--json]

The full-screen monitor on a recording (pgtop record, pgtop --record): every view that has data (the
Migrations and Backups views are not recorded), with the recorded time, the position and the speed in
the header. Sorting, filtering, the detail, the locks tree, the pools and the sparklines work as live;
nothing that changes a server is offered (there is none). Several files (a recording's rotated parts,
rec rec.2026…) replay as one.

Keys: p or space plays or pauses, , and . step a tick back and forward, [ and ] jump a minute, { and }
ten minutes, g goes to a time (g 03:12 Enter), + and - set the speed (1 to 60×), ? shows every key.

Options:
  --at TIME        start at TIME: HH:MM or HH:MM:SS (local time, on the recording's day) or
                   YYYY-MM-DD HH:MM
  --json           print the snapshot at --at (the end without it) as pgtop snapshot --json would
                   have (with pg_stat_statements, as --statements, when recorded), and exit
  --theme dark|light  colours for a dark (default) or a light terminal background
  --debug          show stack traces of errors

A damaged or cut-off recording replays up to the damage and says where it stopped. Exit status: 0; 2
bad usage, a missing or unreadable file, a recording of a newer pgtop; 1 no data at that time.`;

export const replayFlags = {
  at: { type: 'string' },
  json: { type: 'boolean' },
  theme: { type: 'string' },
  debug: connectionFlags.debug,
} as const;

function timeOf(raw: unknown, recording: Recording): number | undefined {
  if (typeof raw !== 'string') return undefined;
  const cursor = new RecordingCursor(recording);
  const range = { start: cursor.start ?? 0, end: cursor.end ?? 0 };
  const at = parseRecordedTime(raw, range);
  if (at === undefined) throw new UsageError(`--at ${raw} is not a time: use HH:MM, HH:MM:SS or YYYY-MM-DD HH:MM. Try: pgtop replay --help`);
  return at;
}

export async function runReplay(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { command: 'pgtop replay', help: replayHelp, flags: replayFlags });
  const files = parsed.input;
  if (files.length === 0) throw new UsageError('name the recording to replay: pgtop replay FILE…. Try: pgtop replay --help');
  const theme = parsed.flags.theme;
  if (theme !== undefined && !(THEMES as readonly unknown[]).includes(theme)) throw new UsageError(`--theme must be one of ${THEMES.join(', ')}. Try: pgtop replay --help`);
  const recording = openRecordings(files);
  const at = timeOf(parsed.flags.at, recording);
  if (parsed.flags.json === true) {
    const end = new RecordingCursor(recording).end ?? 0;
    process.stdout.write(`${terminalSafeJson(documentAt(recording, at ?? end), 2)}\n`);
    for (const notice of recording.notices) process.stderr.write(`pgtop: ${notice}\n`);
    return 0;
  }
  if (!process.stdout.isTTY) throw new UsageError('pgtop replay draws a full screen and needs a terminal; for scripts, use pgtop replay FILE --at TIME --json');
  const { runScreen } = await import('../top-screen.js');
  return runScreen({
    targets: [],
    replay: { recording, at },
    intervalSeconds: recording.header.intervalSeconds || 2,
    readOnly: true,
    debug: parsed.flags.debug === true,
    theme: theme as ThemeName | undefined,
  });
}
