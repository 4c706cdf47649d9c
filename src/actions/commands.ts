/** The commands that act: on a server, on files, or on pgtop itself. Each has a handler (see effects). */
export type ActionCommand =
  | 'session.cancel'
  | 'session.terminate'
  | 'session.killClient'
  | 'pool.pause'
  | 'pool.resume'
  | 'pool.reconnect'
  | 'pool.disable'
  | 'pool.enable'
  | 'migrations.apply'
  | 'backups.start'
  | 'backups.cancel'
  | 'backups.verify'
  | 'quit';
