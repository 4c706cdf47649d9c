import type pg from 'pg';
import { describeTarget } from '../../config/resolve.js';
import type { ConnectionSettings } from '../../config/types.js';
import { closeQuietly, connect } from '../../db/connect.js';
import { MIGRATE_APPLICATION_NAME } from '../session.js';
import { readTrackingRows, trackingTableExists } from '../tracking.js';
import { driverNote } from './child-env.js';
import { otherDatabaseRefusal, planUpgrade } from './plan.js';
import { readProjectGraph } from './project-graph.js';
import type { AlembicRefusal, AlembicStatus, ProjectGraph } from './types.js';
import { readCurrentRevisions, versionTableName } from './version-table.js';

/** pgtop's own engine left a migration half-applied in this database: a dirty state, as its own runs refuse. */
export async function pgtopDirtyRefusal(client: pg.Client): Promise<AlembicRefusal | undefined> {
  if (!(await trackingTableExists(client))) return undefined;
  const started = (await readTrackingRows(client)).filter((row) => row.status === 'started');
  if (started.length === 0) return undefined;
  return {
    kind: 'dirty',
    message: `pgtop.schema_migrations records ${started.map((row) => row.name).join(', ')} as started and never finished: the schema is half-migrated. Repair it (pgtop migrate status says how) before running anything else.`,
  };
}

/** The database's Alembic state and what `upgrade heads` would run, read without changing anything. */
export async function readAlembicStatusWith(client: pg.Client, settings: ConnectionSettings, graph: ProjectGraph, upgradeTo: string): Promise<Omit<AlembicStatus, 'role'>> {
  const current = await readCurrentRevisions(client, graph.project);
  const plan = planUpgrade(graph, current.revisions, upgradeTo);
  const refusals = [...plan.refusals];
  const dirty = await pgtopDirtyRefusal(client);
  if (dirty) refusals.push(dirty);
  const other = otherDatabaseRefusal(graph.project.url, settings);
  if (other) refusals.push(other);
  const note = driverNote(graph.project.url);
  return {
    target: describeTarget(settings),
    graph,
    versionTable: versionTableName(graph.project),
    versionTableExists: current.exists,
    current: current.revisions,
    pending: plan.pending,
    refusals,
    warnings: note ? [note] : [],
  };
}

export async function readAlembicStatus(options: {
  settings: ConnectionSettings;
  alembic: string;
  interactive?: boolean;
  env?: NodeJS.ProcessEnv;
  useAlembic?: boolean;
  /** A connection the caller holds and lends (see readMigrationStatus). */
  client?: pg.Client;
}): Promise<AlembicStatus> {
  const graph = await readProjectGraph(options.alembic, { env: options.env, ...(options.useAlembic === false ? { useAlembic: false } : {}) });
  const client = options.client ?? (await connect(options.settings, { applicationName: MIGRATE_APPLICATION_NAME, interactive: options.interactive }));
  try {
    const role = (await client.query<{ role: string }>('SELECT current_user AS role')).rows[0]?.role ?? options.settings.user;
    return { role, ...(await readAlembicStatusWith(client, options.settings, graph, 'heads')) };
  } finally {
    if (client !== options.client) await closeQuietly(client);
  }
}
