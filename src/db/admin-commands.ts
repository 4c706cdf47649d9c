/** The PgBouncer admin commands pgtop sends: those that act on one database, and KILL_CLIENT on one client. */
export type BouncerDatabaseAction = 'PAUSE' | 'RESUME' | 'RECONNECT' | 'DISABLE' | 'ENABLE';
export type BouncerAction = BouncerDatabaseAction | 'KILL_CLIENT';
