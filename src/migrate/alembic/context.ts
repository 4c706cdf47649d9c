import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { ConnectionSettings } from '../../config/types.js';
import { MIGRATE_APPLICATION_NAME, type MigrationSession } from '../session.js';
import type { AlembicCommand } from './alembic-command.js';
import type { ChildTimeouts } from './child-env.js';
import type { AlembicProject } from './project.js';
import type { AlembicEventListener, AlembicRunResult } from './types.js';

export interface AlembicRunOptions {
  settings: ConnectionSettings;
  /** The Alembic project: its directory, alembic.ini, or a directory below it. */
  alembic: string;
  /** head (default), heads, or a revision. */
  upgradeTo?: string;
  /** Alembic's offline mode: print the SQL, change nothing, take no lock. */
  dryRun?: boolean;
  /** The pending revisions the caller showed and had confirmed; a different plan refuses. */
  expectRevisions?: readonly string[];
  lockWaitMs?: number;
  timeouts?: Partial<ChildTimeouts>;
  /** Runs again after a lock timeout; default 3. */
  lockTimeoutRetries?: number;
  retryDelayMs?: number;
  interactive?: boolean;
  signal?: AbortSignal;
  onEvent?: AlembicEventListener;
  auditEnv?: NodeJS.ProcessEnv;
  /** The environment the child inherits (PATH finds `alembic`); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** What the run's work gets once the session is checked (and, unless a dry run, locked). */
export interface UpgradeContext {
  options: AlembicRunOptions;
  session: MigrationSession;
  project: AlembicProject;
  command: AlembicCommand;
  emit: AlembicEventListener;
  watcher(): Promise<pg.Client>;
  childEnv(applicationName: string): Promise<NodeJS.ProcessEnv>;
  result(parts: Partial<AlembicRunResult> & Pick<AlembicRunResult, 'outcome'>): AlembicRunResult;
  audit(result: 'ok' | 'refused' | 'failed' | 'cancelled', message: string): void;
}

/** A fresh application_name per child, so that its session can be told from every other. */
export const childApplicationName = (): string => `${MIGRATE_APPLICATION_NAME}-alembic-${randomBytes(4).toString('hex')}`;
