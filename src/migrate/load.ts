import { discoverMigrations, type IgnoredFile, type MigrationFileRef } from './discover.js';
import { readMigrationScript, type MigrationScript } from './script.js';

export interface LoadedMigration extends MigrationFileRef {
  script: MigrationScript;
  downScript?: MigrationScript;
}

export interface LoadedMigrations {
  dir: string;
  /** In version order. */
  migrations: LoadedMigration[];
  ignored: IgnoredFile[];
}

/** Discovers the migrations in `dir` and reads every file (forward and down). */
export function loadMigrations(dir: string): LoadedMigrations {
  const { files, ignored } = discoverMigrations(dir);
  const migrations = files.map((file): LoadedMigration => ({
    ...file,
    script: readMigrationScript(file.fileName, file.path),
    ...(file.downFileName && file.downPath ? { downScript: readMigrationScript(file.downFileName, file.downPath) } : {}),
  }));
  return { dir, migrations, ignored };
}
