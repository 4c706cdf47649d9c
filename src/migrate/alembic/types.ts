import type { BlockingSession, MigrationEvent, MigrationOutcome, RefusalKind } from '../types.js';
import type { RevisionGraph } from './graph.js';
import type { AlembicProject } from './project.js';
import type { AlembicRevision, UnreadableRevisionFile } from './revision-file.js';

/** Where the revision graph came from: the project's own `alembic history`, or pgtop reading the files. */
export type GraphSource = 'alembic history' | 'revision files';

export interface ProjectGraph {
  project: AlembicProject;
  graph: RevisionGraph;
  source: GraphSource;
  /** One sentence on how the graph was read (and why not with Alembic, when it was not). */
  note: string;
  unreadable: UnreadableRevisionFile[];
}

export type AlembicRefusalKind = RefusalKind | 'unknown-revision' | 'graph' | 'other-database' | 'target';

export interface AlembicRefusal {
  kind: AlembicRefusalKind;
  message: string;
}

/** The database's Alembic state against the project's scripts. */
export interface AlembicStatus {
  target: string;
  role: string;
  graph: ProjectGraph;
  versionTable: string;
  versionTableExists: boolean;
  /** The revisions alembic_version holds. */
  current: string[];
  /** The revisions `upgrade` would run to reach the heads, parents first. */
  pending: AlembicRevision[];
  refusals: AlembicRefusal[];
  warnings: string[];
}

export interface AlembicFailure {
  /** The whole explanation: what failed, Alembic's error, the state the database is in, what to do. */
  message: string;
  /** Alembic's own error line (the exception it printed), when there was one. */
  alembicError: string | undefined;
  exitCode: number | null;
  blockers: BlockingSession[];
}

export interface AlembicRunResult {
  outcome: MigrationOutcome;
  target: string;
  role: string;
  projectDir: string;
  /** What was asked for: head, heads or a revision. */
  upgradeTo: string;
  before: string[];
  /** alembic_version after the run (equal to `before` when nothing changed). */
  after: string[];
  planned: AlembicRevision[];
  refusals: AlembicRefusal[];
  failure?: AlembicFailure;
  /** The SQL Alembic's offline mode printed (dry run). */
  sql?: string;
  attempts: number;
}

type SharedEvent = Extract<MigrationEvent, { type: 'connected' | 'lock-waiting' | 'lock-acquired' | 'warning' }>;

export type AlembicEvent =
  | SharedEvent
  | { type: 'alembic-graph'; source: GraphSource; note: string }
  | { type: 'alembic-planned'; before: string[]; upgradeTo: string; pending: AlembicRevision[] }
  | { type: 'alembic-started'; attempt: number; maxAttempts: number; applicationName: string; args: string[] }
  | { type: 'alembic-output'; stream: 'stdout' | 'stderr'; line: string }
  | { type: 'alembic-backend'; pid: number; database: string }
  | { type: 'alembic-blocked'; blockers: BlockingSession[] }
  | { type: 'alembic-retry'; attempt: number; maxAttempts: number; delayMs: number; reason: string; blockers: BlockingSession[] }
  | { type: 'alembic-exited'; code: number | null; signal: NodeJS.Signals | null }
  | { type: 'alembic-done'; result: AlembicRunResult };

export type AlembicEventListener = (event: AlembicEvent) => void;
