import { UsageError } from '../../errors.js';
import { findAlembic } from '../../migrate/alembic/alembic-command.js';
import { writeDemoAlembicProject } from '../../sandbox/demo/alembic-project.js';

/**
 * `pgtop demo --alembic`: an Alembic project in the demo directory for the Migrations view, its three
 * revisions pending. Nothing runs at start-up (Alembic is started only when the view is opened).
 */
export function demoAlembicProject(wanted: boolean, demoDir: string): string | undefined {
  if (!wanted) return undefined;
  return writeDemoAlembicProject(demoDir);
}

/** Checked before anything starts: --alembic needs Alembic (with psycopg2) on PATH. */
export function checkAlembicForDemo(wanted: boolean, env: NodeJS.ProcessEnv = process.env): void {
  if (wanted && !findAlembic(env)) {
    throw new UsageError('pgtop demo --alembic needs alembic on PATH, with psycopg2 (apt-get install alembic python3-psycopg2, or pip install alembic psycopg2-binary in a virtualenv and activate it).');
  }
}
