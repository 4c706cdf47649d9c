import type { CommandDefinition } from '../cli/command-definitions.js';
import { connectionFlags } from '../cli/flags.js';
import { BACKUP_COMMANDS, backupFlags, backupHelp } from './backup/backup.js';
import { checkFlags, checkHelp } from './check.js';
import { CONFIG_COMMANDS, configFlags, configHelp } from './config.js';
import { COMPLETION_SHELLS, completionHelp } from './completion-help.js';
import { demoFlags, demoHelp } from './demo/demo.js';
import { MIGRATE_COMMANDS, migrateFlags, migrateHelp } from './migrate/migrate.js';
import { snapshotFlags, snapshotHelp } from './snapshot/snapshot.js';
import { topFlags, topHelp } from './top.js';
import { recordFlags, recordHelp } from './record/record.js';
import { replayFlags, replayHelp } from './replay/replay.js';

/** Every command, with the help and flags it parses with: the one source of completions and the man page. */
export const commandDefinitions: readonly CommandDefinition[] = [
  { name: '', summary: 'the full-screen monitor', help: topHelp, flags: { ...topFlags, ...connectionFlags }, subcommands: [] },
  { name: 'snapshot', summary: 'the same data, for scripts', help: snapshotHelp, flags: { ...snapshotFlags, ...connectionFlags }, subcommands: [] },
  { name: 'migrate', summary: 'apply SQL migrations safely', help: migrateHelp, flags: { ...migrateFlags, ...connectionFlags }, subcommands: MIGRATE_COMMANDS },
  { name: 'backup', summary: 'verified pg_dump backups', help: backupHelp, flags: { ...backupFlags, ...connectionFlags }, subcommands: BACKUP_COMMANDS },
  { name: 'check', summary: 'health checks for cron and Nagios (exit 0/1/2/3)', help: checkHelp, flags: { ...checkFlags, ...connectionFlags }, subcommands: [] },
  { name: 'record', summary: 'record what the monitor shows, headless, as a service', help: recordHelp, flags: { ...recordFlags, ...connectionFlags }, subcommands: [] },
  { name: 'replay', summary: 'the full-screen monitor on a recording; --at TIME --json for scripts', help: replayHelp, flags: replayFlags, subcommands: [] },
  { name: 'demo', summary: 'a throwaway PostgreSQL with live load, monitored', help: demoHelp, flags: { ...demoFlags, debug: connectionFlags.debug }, subcommands: [] },
  { name: 'config', summary: 'where the configuration file is, and what pgtop resolves from it', help: configHelp, flags: { ...configFlags, ...connectionFlags }, subcommands: CONFIG_COMMANDS },
  { name: 'completion', summary: 'shell completion for bash or zsh', help: completionHelp, flags: {}, subcommands: COMPLETION_SHELLS },
];
