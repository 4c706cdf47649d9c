import { errorMessage } from '../../errors.js';
import { findAlembic, parseVerboseHistory, runAlembicQuery } from './alembic-command.js';
import { buildGraph } from './graph.js';
import { loadAlembicProject, type AlembicProject } from './project.js';
import { readRevisionFiles } from './revision-file.js';
import type { ProjectGraph } from './types.js';

/** The environment `alembic history` runs with: no database settings, since it reads only the scripts. */
function queryEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith('PG') && key !== 'DATABASE_URL') env[key] = value;
  return env;
}

/**
 * Reads a project's revision graph. With `alembic` installed, the project's own `alembic history -v`
 * decides (it imports the revision files, as Alembic always does); without it, or when it fails, pgtop
 * reads the `revision`/`down_revision` assignments of the files without running them.
 */
export async function readProjectGraph(projectOrPath: AlembicProject | string, options: { env?: NodeJS.ProcessEnv; useAlembic?: boolean } = {}): Promise<ProjectGraph> {
  const project = typeof projectOrPath === 'string' ? loadAlembicProject(projectOrPath) : projectOrPath;
  const env = options.env ?? process.env;
  const files = readRevisionFiles(project.versionDirs);
  const command = options.useAlembic === false ? undefined : findAlembic(env);
  let why = options.useAlembic === false ? 'reading Alembic was not asked for' : 'alembic is not installed (not on PATH)';
  if (command) {
    try {
      const text = await runAlembicQuery(command, ['history', '-v'], project.dir, queryEnvironment(env));
      const revisions = parseVerboseHistory(text);
      return {
        project,
        graph: buildGraph(revisions),
        source: 'alembic history',
        note: `revision graph from the project's own \`alembic history\` (${command.path})`,
        unreadable: [],
      };
    } catch (error) {
      why = `\`alembic history\` failed: ${errorMessage(error)}`;
    }
  }
  const unreadableNote = files.unreadable.length > 0 ? `; ${files.unreadable.length} file(s) could not be read that way` : '';
  return {
    project,
    graph: buildGraph(files.revisions),
    source: 'revision files',
    note: `revision graph read from the revision files' revision/down_revision assignments, without running them (${why})${unreadableNote}`,
    unreadable: files.unreadable,
  };
}
