import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An alembic.ini with Alembic's own logging sections; a URL naming only the driver takes the target from PG* variables. */
export function alembicIni(scriptLocation: string, url: string): string {
  return `[alembic]
script_location = ${scriptLocation}
prepend_sys_path = .
sqlalchemy.url = ${url}

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console
qualname =

[logger_sqlalchemy]
level = WARN
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
`;
}

/** env.py as \`alembic init\` writes it, without the metadata import. */
export const ALEMBIC_ENV_PY = `from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from alembic import context

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = engine_from_config(config.get_section(config.config_ini_section), prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
`;

interface DemoRevision {
  id: string;
  down: string | null;
  message: string;
  upgrade: string;
  downgrade: string;
}

/** A loyalty programme beside the shop's tables: nothing the workload touches, so the upgrade runs at any time. */
const REVISIONS: DemoRevision[] = [
  { id: 'a1c0ffee0001', down: null, message: 'create loyalty accounts', upgrade: 'CREATE TABLE loyalty_accounts (customer_id bigint PRIMARY KEY, points integer NOT NULL DEFAULT 0)', downgrade: 'DROP TABLE loyalty_accounts' },
  { id: 'b2c0ffee0002', down: 'a1c0ffee0001', message: 'add loyalty tier', upgrade: "ALTER TABLE loyalty_accounts ADD COLUMN tier text NOT NULL DEFAULT 'bronze'", downgrade: 'ALTER TABLE loyalty_accounts DROP COLUMN tier' },
  { id: 'c3c0ffee0003', down: 'b2c0ffee0002', message: 'index loyalty tier', upgrade: 'CREATE INDEX loyalty_accounts_tier_idx ON loyalty_accounts (tier)', downgrade: 'DROP INDEX loyalty_accounts_tier_idx' },
];

function revisionText(revision: DemoRevision): string {
  return `"""${revision.message}

Revision ID: ${revision.id}
Revises: ${revision.down ?? ''}
"""
from alembic import op

revision = '${revision.id}'
down_revision = ${revision.down === null ? 'None' : `'${revision.down}'`}
branch_labels = None
depends_on = None


def upgrade():
    op.execute("${revision.upgrade.replace(/"/g, '\\"')}")


def downgrade():
    op.execute("${revision.downgrade.replace(/"/g, '\\"')}")
`;
}

/** Writes the demo's Alembic project (three pending revisions) under `parentDir`; returns its alembic.ini. */
export function writeDemoAlembicProject(parentDir: string): string {
  const dir = join(parentDir, 'alembic-project');
  mkdirSync(join(dir, 'migrations', 'versions'), { recursive: true });
  writeFileSync(join(dir, 'alembic.ini'), alembicIni('%(here)s/migrations', 'postgresql+psycopg2://'));
  writeFileSync(join(dir, 'migrations', 'env.py'), ALEMBIC_ENV_PY);
  writeFileSync(join(dir, 'migrations', 'script.py.mako'), '"""${message}"""\n');
  for (const revision of REVISIONS) {
    writeFileSync(join(dir, 'migrations', 'versions', `${revision.id}_${revision.message.replace(/\W+/g, '_')}.py`), revisionText(revision));
  }
  return join(dir, 'alembic.ini');
}
