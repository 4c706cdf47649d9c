import type { ConnectionSettings } from '../../config/types.js';
import { pgtopVersion } from '../../config/pgtop-version.js';
import type { DumpTools } from '../dump/find-tools.js';
import type { VerifyResult } from '../dump/verify.js';
import { SHA256_METHOD } from '../files/checksum.js';
import type { BackupManifest } from '../files/manifest.js';
import type { DumpFormat } from '../files/naming.js';
import type { ServerInfo } from '../server/catalog.js';

export interface VerifiedDump {
  /** The dump's final name. */
  file: string;
  settings: ConnectionSettings;
  format: DumpFormat;
  jobs: number;
  startedAt: Date;
  finishedAt: Date;
  server: ServerInfo;
  tools: DumpTools;
  tables: number;
  verification: VerifyResult;
}

/** The manifest of a verified dump: what was dumped, from where, by which pg_dump, and how it read back. */
export function manifestOf(dump: VerifiedDump): BackupManifest {
  const { settings, format, server, tools, verification } = dump;
  return {
    manifest_version: 1,
    file: dump.file,
    database: settings.database,
    host: settings.host,
    port: settings.port,
    user: settings.user,
    format,
    jobs: dump.jobs,
    size_bytes: verification.sizeBytes,
    sha256: verification.sha256,
    sha256_method: SHA256_METHOD[format],
    started_at: dump.startedAt.toISOString(),
    finished_at: dump.finishedAt.toISOString(),
    duration_ms: dump.finishedAt.getTime() - dump.startedAt.getTime(),
    server_version: server.version,
    server_version_num: server.versionNum,
    pg_dump_version: tools.version.text,
    pg_dump_path: tools.pgDump,
    tables: dump.tables,
    verify: {
      ok: true,
      list_entries: verification.listEntries,
      table_data_entries: verification.tableDataEntries,
      full_read: true,
      verified_at: verification.verifiedAt,
      duration_ms: verification.durationMs,
    },
    pgtop_version: pgtopVersion(),
  };
}
