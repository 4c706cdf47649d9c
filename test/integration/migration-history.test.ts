import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { historyFindings } from '../../src/migrate/history/findings.js';
import { readToolHistories } from '../../src/migrate/history/read-history.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { freshDatabase, migrate } from '../helpers/migrate-harness.js';
import { FLYWAY, GOLANG_MIGRATE } from '../helpers/tool-history-ddl.js';

let sandbox: PostgresSandbox;

before(async () => {
  sandbox = await startPostgres();
});

after(async () => {
  await sandbox?.stop();
});

// Each table is created with the DDL the tool itself runs on PostgreSQL.
const NODE_PG_MIGRATE = `
CREATE TABLE "public"."pgmigrations" ( id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);
INSERT INTO "public"."pgmigrations" (name, run_on) VALUES ('1700000000000_create-users', '2026-01-02 03:04:05'), ('1700000000001_add-email', '2026-01-03 03:04:05');`;

const DBMATE = `
create table if not exists "public"."schema_migrations" (version varchar(128) primary key);
insert into "public"."schema_migrations" (version) values ('20260101120000'), ('20260102120000');`;

const RAILS = `
CREATE TABLE "schema_migrations" ("version" character varying NOT NULL PRIMARY KEY);
CREATE TABLE "ar_internal_metadata" ("key" character varying NOT NULL PRIMARY KEY, "value" character varying, "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL);
INSERT INTO "ar_internal_metadata" VALUES ('environment', 'production', now(), now());
INSERT INTO "schema_migrations" ("version") VALUES ('20260101120000'), ('20260102120000'), ('20260103120000');`;

const SQITCH = `
CREATE SCHEMA sqitch;
CREATE TABLE sqitch.projects (
    project         TEXT        PRIMARY KEY,
    uri             TEXT            NULL UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    creator_name    TEXT        NOT NULL,
    creator_email   TEXT        NOT NULL
);
CREATE TABLE sqitch.changes (
    change_id       TEXT        PRIMARY KEY,
    script_hash     TEXT            NULL,
    change          TEXT        NOT NULL,
    project         TEXT        NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE,
    note            TEXT        NOT NULL DEFAULT '',
    committed_at    TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    committer_name  TEXT        NOT NULL,
    committer_email TEXT        NOT NULL,
    planned_at      TIMESTAMPTZ NOT NULL,
    planner_name    TEXT        NOT NULL,
    planner_email   TEXT        NOT NULL,
    UNIQUE(project, script_hash)
);
INSERT INTO sqitch.projects (project, creator_name, creator_email) VALUES ('shop', 'Ann', 'ann@example.com');
INSERT INTO sqitch.changes VALUES
  ('a3f1', 'f00d1', 'users', 'shop', 'Adds users', '2026-01-02 03:04:05+00', 'Ann', 'ann@example.com', '2026-01-01 00:00:00+00', 'Ann', 'ann@example.com'),
  ('b4e2', 'f00d2', 'orders', 'shop', '', '2026-01-03 03:04:05+00', 'Bob', 'bob@example.com', '2026-01-01 00:00:00+00', 'Bob', 'bob@example.com');`;

async function historiesOf(ddl: string) {
  const database = await freshDatabase(sandbox, 'hist');
  await sandbox.query(ddl, [], database);
  const client = new pg.Client({ connectionString: sandbox.uri(database) });
  await client.connect();
  try {
    return { database, histories: await readToolHistories(client) };
  } finally {
    await client.end();
  }
}

describe("other tools' migration history", () => {
  test('Flyway: version, description, when, success and checksum; a failed row is a finding', async () => {
    const { database, histories } = await historiesOf(FLYWAY);
    assert.equal(histories.length, 1);
    const [flyway] = histories;
    assert.equal(flyway?.tool, 'flyway');
    assert.equal(flyway?.table, 'public.flyway_schema_history');
    assert.deepEqual(flyway?.entries.map((entry) => [entry.version, entry.description, entry.success, entry.checksum, entry.appliedBy]), [
      ['1', 'create users', true, '1234567', 'app'],
      ['2', 'add email', false, '-98765', 'app'],
    ]);
    assert.ok(flyway?.entries[0]?.appliedAt instanceof Date);
    const findings = historyFindings(histories);
    assert.deepEqual(findings.map((finding) => [finding.severity, finding.tool, finding.version]), [['critical', 'flyway', '2']]);
    assert.match(findings[0]?.message ?? '', /flyway repair/);

    const cli = await migrate(['history', sandbox.uri(database)]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^Flyway: public\.flyway_schema_history, 2 entries\n {2}1 {2}create users {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}ok {2}checksum 1234567\n {2}2 {2}add email .* FAILED {2}checksum -98765\nCRITICAL: Flyway migration 2 \(add email\) failed/);
  });

  test('golang-migrate: a dirty version is a finding', async () => {
    const { histories } = await historiesOf(GOLANG_MIGRATE);
    assert.deepEqual(histories.map((history) => history.tool), ['golang-migrate']);
    assert.deepEqual(histories[0]?.entries.map((entry) => [entry.version, entry.dirty]), [['20260101120000', true]]);
    const findings = historyFindings(histories);
    assert.equal(findings.length, 1);
    assert.match(findings[0]?.message ?? '', /version 20260101120000 is dirty in public\.schema_migrations.*migrate force/);
  });

  test('node-pg-migrate: name and run_on', async () => {
    const { histories } = await historiesOf(NODE_PG_MIGRATE);
    assert.deepEqual(histories.map((history) => history.tool), ['node-pg-migrate']);
    assert.deepEqual(histories[0]?.entries.map((entry) => [entry.version, entry.description, entry.appliedAt?.getDate()]), [
      ['1', '1700000000000_create-users', 2],
      ['2', '1700000000001_add-email', 3],
    ]);
    assert.deepEqual(historyFindings(histories), []);
  });

  test('dbmate and Rails share schema_migrations, told apart by its shape and ar_internal_metadata', async () => {
    const dbmate = await historiesOf(DBMATE);
    assert.deepEqual(dbmate.histories.map((history) => [history.tool, history.entries.map((entry) => entry.version)]), [['dbmate', ['20260101120000', '20260102120000']]]);
    const rails = await historiesOf(RAILS);
    assert.deepEqual(rails.histories.map((history) => [history.tool, history.entries.length]), [['rails', 3]]);
  });

  test('Sqitch: change, note, committed_at, committer and script hash', async () => {
    const { database, histories } = await historiesOf(SQITCH);
    assert.deepEqual(histories.map((history) => [history.tool, history.table]), [['sqitch', 'sqitch.changes']]);
    assert.deepEqual(histories[0]?.entries.map((entry) => [entry.version, entry.description, entry.checksum, entry.appliedBy, entry.appliedAt?.toISOString()]), [
      ['users', 'Adds users', 'f00d1', 'Ann', '2026-01-02T03:04:05.000Z'],
      ['orders', null, 'f00d2', 'Bob', '2026-01-03T03:04:05.000Z'],
    ]);
    const cli = await migrate(['history', '--json', sandbox.uri(database)]);
    const document = JSON.parse(cli.stdout) as { histories: { tool: string }[]; findings: unknown[] };
    assert.deepEqual(document.histories.map((history) => history.tool), ['sqitch']);
    assert.deepEqual(document.findings, []);
  });

  test("a database without any tool's table, and pgtop's own table, show nothing", async () => {
    const { database, histories } = await historiesOf('CREATE SCHEMA pgtop; CREATE TABLE pgtop.schema_migrations (version bigint PRIMARY KEY); CREATE TABLE changes (id int);');
    assert.deepEqual(histories, []);
    const cli = await migrate(['history', sandbox.uri(database)]);
    assert.match(cli.stdout, /^No other migration tool's history in this database/);
  });
});
