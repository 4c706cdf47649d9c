/** The commands that only change what the screen shows: the reducer handles each (reduce.ts). */
export const STATE_COMMANDS = [
  'view.sessions',
  'view.locks',
  'view.pools',
  'view.migrations',
  'view.backups',
  'view.health',
  'health.jump',
  'view.replication',
  'view.vacuum',
  'view.statements',
  'statements.mode',
  'statement.ofSession',
  'view.next',
  'view.previous',
  'move.up',
  'move.down',
  'move.pageUp',
  'move.pageDown',
  'move.home',
  'move.end',
  'filter.open',
  'filter.clear',
  'sort.left',
  'sort.right',
  'sort.reverse',
  'idle.toggle',
  'pooled.toggle',
  'detail.open',
  'tag.toggle',
  'refresh.pause',
  'refresh.slower',
  'refresh.faster',
  'help',
  'messages',
  'target.pick',
] as const;

export type StateCommand = (typeof STATE_COMMANDS)[number];

const stateCommands: ReadonlySet<string> = new Set(STATE_COMMANDS);

export const isStateCommand = (command: string): command is StateCommand => stateCommands.has(command);
