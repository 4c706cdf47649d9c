import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './migrate-harness.js';

export interface RevisionSpec {
  id: string;
  /** null for a base, an array for a merge. */
  down: string | string[] | null;
  message: string;
  /** Python statements of upgrade(), one a line (`op.execute("…")`). */
  upgrade?: string[];
}

const ENV_PY = `from logging.config import fileConfig

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

function iniText(url: string): string {
  return `[alembic]
script_location = migrations
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

const pyString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function revisionText(spec: RevisionSpec): string {
  const down = spec.down === null ? 'None' : Array.isArray(spec.down) ? `(${spec.down.map(pyString).join(', ')})` : pyString(spec.down);
  const body = spec.upgrade && spec.upgrade.length > 0 ? spec.upgrade.map((line) => `    ${line}`).join('\n') : '    pass';
  return `"""${spec.message}

Revision ID: ${spec.id}
Revises: ${spec.down === null ? '' : [spec.down].flat().join(', ')}
Create Date: 2026-01-01 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = ${pyString(spec.id)}
down_revision = ${down}
branch_labels = None
depends_on = None


def upgrade() -> None:
${body}


def downgrade() -> None:
    pass
`;
}

/** Writes a real Alembic project (alembic.ini, env.py as \`alembic init\` writes it, the revisions) to a temp dir. */
export function alembicProject(revisions: RevisionSpec[], options: { url?: string } = {}): string {
  const dir = tempDir('pgtop-alembic-');
  writeFileSync(join(dir, 'alembic.ini'), iniText(options.url ?? 'postgresql+psycopg2://'));
  mkdirSync(join(dir, 'migrations', 'versions'), { recursive: true });
  writeFileSync(join(dir, 'migrations', 'env.py'), ENV_PY);
  writeFileSync(join(dir, 'migrations', 'script.py.mako'), '"""${message}"""\n');
  for (const spec of revisions) addRevision(dir, spec);
  return dir;
}

export function addRevision(dir: string, spec: RevisionSpec): void {
  const slug = spec.message.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  writeFileSync(join(dir, 'migrations', 'versions', `${spec.id}_${slug}.py`), revisionText(spec));
}
