import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './migrate-harness.js';
import { ALEMBIC_ENV_PY, alembicIni } from '../../src/sandbox/demo/alembic-project.js';

export interface RevisionSpec {
  id: string;
  /** null for a base, an array for a merge. */
  down: string | string[] | null;
  message: string;
  /** Python statements of upgrade(), one a line (`op.execute("…")`). */
  upgrade?: string[];
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
  writeFileSync(join(dir, 'alembic.ini'), alembicIni('migrations', options.url ?? 'postgresql+psycopg2://'));
  mkdirSync(join(dir, 'migrations', 'versions'), { recursive: true });
  writeFileSync(join(dir, 'migrations', 'env.py'), ALEMBIC_ENV_PY);
  writeFileSync(join(dir, 'migrations', 'script.py.mako'), '"""${message}"""\n');
  for (const spec of revisions) addRevision(dir, spec);
  return dir;
}

export function addRevision(dir: string, spec: RevisionSpec): void {
  const slug = spec.message.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  writeFileSync(join(dir, 'migrations', 'versions', `${spec.id}_${slug}.py`), revisionText(spec));
}
