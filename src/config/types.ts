export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

/** The psql-style connection flags, as given on the command line. */
export interface ConnectionFlags {
  host?: string;
  port?: string;
  username?: string;
  dbname?: string;
}

/** Where a setting came from, for messages ("password from ~/.pgpass"). */
export type SettingSource = 'flag' | 'argument' | 'profile' | 'service' | 'environment' | 'pgpass' | 'prompt' | 'default';

/** A fully resolved connection target. */
export interface ConnectionSettings {
  /** A host name, an IP address, or a Unix-socket directory (starts with '/'). */
  host: string;
  port: number;
  user: string;
  database: string;
  password?: string;
  passwordSource?: SettingSource;
  sslmode: SslMode;
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  connectTimeoutSeconds?: number;
  /** Any other conninfo keys given (application_name, options, …), kept for the record. */
  extra: Record<string, string>;
}
