/** An error meant for the user: a message that says what failed and what to do, and the exit code. */
export class PgtopError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, arguments or input: exit 2. */
export class UsageError extends PgtopError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 2, options);
  }
}

export type ConnectionErrorKind =
  | 'unreachable'
  | 'refused'
  | 'auth'
  | 'no-database'
  | 'no-role'
  | 'timeout'
  | 'tls'
  | 'privilege'
  | 'server-gone'
  | 'other';

/** The server could not be reached or refused us: exit 2. */
export class ConnectionError extends PgtopError {
  constructor(
    message: string,
    readonly kind: ConnectionErrorKind,
    options?: { cause?: unknown },
  ) {
    super(message, 2, options);
  }
}

/** The operation itself failed (a migration, a dump, a verify): exit 1. */
export class OperationError extends PgtopError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 1, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
