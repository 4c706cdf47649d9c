import type { BouncerDatabaseAction } from '../db/admin-commands.js';

/** The Pools view's commands and the PgBouncer admin command each sends for the selected pool's database. */
export const POOL_COMMANDS = {
  'pool.pause': 'PAUSE',
  'pool.resume': 'RESUME',
  'pool.reconnect': 'RECONNECT',
  'pool.disable': 'DISABLE',
  'pool.enable': 'ENABLE',
} as const satisfies Record<`pool.${string}`, BouncerDatabaseAction>;

export type PoolCommand = keyof typeof POOL_COMMANDS;

/** The commands that act: on a server, on files, or on pgtop itself. Each has a handler (effects.ts). */
export type ActionCommand =
  | 'session.cancel'
  | 'session.terminate'
  | 'session.killClient'
  | PoolCommand
  | 'migrations.apply'
  | 'migrations.cancel'
  | 'migrations.dryRun'
  | 'backups.start'
  | 'backups.cancel'
  | 'backups.verify'
  | 'statements.reset'
  | 'replication.dropSlot'
  | 'vacuum.release'
  | 'plan.show'
  | TimelineActionCommand
  | 'quit';

/** The timeline's commands: replaying a recording, rewinding the last minutes (timeline-effects.ts). */
export type TimelineActionCommand =
  | 'timeline.play'
  | 'timeline.stepBack'
  | 'timeline.stepForward'
  | 'timeline.back1m'
  | 'timeline.forward1m'
  | 'timeline.back10m'
  | 'timeline.forward10m'
  | 'timeline.faster'
  | 'timeline.slower'
  | 'timeline.goto'
  | 'timeline.live';
