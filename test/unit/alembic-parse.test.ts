import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVerboseHistory } from '../../src/migrate/alembic/alembic-command.js';
import { alembicErrorLine, isLockTimeout } from '../../src/migrate/alembic/attempt.js';
import { driverNote, pgOptions } from '../../src/migrate/alembic/child-env.js';
import { buildGraph, pendingRevisions, resolveTarget } from '../../src/migrate/alembic/graph.js';
import { offlineRange } from '../../src/migrate/alembic/offline.js';
import { urlTarget } from '../../src/migrate/alembic/plan.js';
import { parseIni } from '../../src/migrate/alembic/project.js';
import { parseRevisionFile, stringsOf, type AlembicRevision } from '../../src/migrate/alembic/revision-file.js';

const rev = (revision: string, downRevisions: string[], dependsOn: string[] = []): AlembicRevision => ({ revision, downRevisions, dependsOn, branchLabels: [], message: revision, path: `/p/${revision}.py` });

describe('revision files read without running them', () => {
  test('the assignments as alembic revision writes them, typed or not, with tuples for merges', () => {
    const text = `"""add the email column

Revision ID: 3f2a
Revises: 1b0c
"""
from alembic import op
from typing import Sequence, Union

# revision identifiers, used by Alembic.
revision: str = '3f2a'
down_revision: Union[str, None] = "1b0c"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = ('9a9a',)
`;
    assert.deepEqual(parseRevisionFile(text, '/p/3f2a.py'), { revision: '3f2a', downRevisions: ['1b0c'], dependsOn: ['9a9a'], branchLabels: [], message: 'add the email column', path: '/p/3f2a.py' });
    const merge = parseRevisionFile(`revision = 'd4'\ndown_revision = (\n    'b2',\n    'c3',\n)\n`, '/p/d4.py');
    assert.ok('revision' in merge);
    assert.deepEqual(merge.downRevisions, ['b2', 'c3']);
  });

  test('anything computed is reported as unreadable, not guessed', () => {
    assert.deepEqual(parseRevisionFile(`revision = make_id()\ndown_revision = None\n`, '/p/x.py'), { path: '/p/x.py', reason: 'no `revision = "…"` string assignment' });
    const computed = parseRevisionFile(`revision = 'x1'\ndown_revision = PARENT\n`, '/p/x.py');
    assert.ok('reason' in computed && /down_revision/.test(computed.reason));
    assert.equal(stringsOf("['a', b]"), undefined);
    assert.deepEqual(stringsOf('None'), []);
  });
});

describe('alembic history -v', () => {
  test('revisions, parents, merges, paths and the first docstring line', () => {
    const text = `Rev: d4 (head) (mergepoint)
Merges: b2, c3
Path: /p/versions/d4_merge.py

    merge b2 and c3

    Revision ID: d4
    Revises: b2, c3

Rev: a1 (branchpoint)
Parent: <base>
Branches into: b2, c3
Path: /p/versions/a1_create.py

    create users
`;
    assert.deepEqual(parseVerboseHistory(text), [
      { revision: 'd4', downRevisions: ['b2', 'c3'], dependsOn: [], branchLabels: [], message: 'merge b2 and c3', path: '/p/versions/d4_merge.py' },
      { revision: 'a1', downRevisions: [], dependsOn: [], branchLabels: [], message: 'create users', path: '/p/versions/a1_create.py' },
    ]);
  });
});

describe('the revision graph', () => {
  const graph = buildGraph([rev('a1', []), rev('b2', ['a1']), rev('c3', ['a1']), rev('d4', ['b2', 'c3']), rev('e5', ['d4'], ['x9']), rev('x9', [])]);

  test('heads, bases, branch points and merges', () => {
    assert.deepEqual(graph.heads, ['e5']);
    assert.deepEqual(graph.bases, ['a1', 'x9']);
    assert.deepEqual(graph.branchPoints, ['a1']);
    assert.deepEqual(graph.merges, ['d4']);
    assert.deepEqual(graph.problems, []);
  });

  test('pending from one branch to the head, parents first, depends_on included', () => {
    assert.deepEqual(pendingRevisions(graph, ['b2'], ['e5']).map((r) => r.revision), ['c3', 'd4', 'x9', 'e5']);
    assert.deepEqual(pendingRevisions(graph, ['e5'], ['e5']), []);
  });

  test('targets: head with two heads is an error, a prefix resolves, an unknown one is named', () => {
    const split = buildGraph([rev('a1', []), rev('b2', ['a1']), rev('c3', ['a1'])]);
    const head = resolveTarget(split, 'head');
    assert.ok('error' in head && /2 heads \(b2, c3\)/.test(head.error));
    assert.deepEqual(resolveTarget(split, 'heads'), { ids: ['b2', 'c3'] });
    assert.deepEqual(resolveTarget(graph, 'd'), { ids: ['d4'] });
    const unknown = resolveTarget(graph, 'zz');
    assert.ok('error' in unknown && /no revision "zz"/.test(unknown.error));
  });

  test('a revision declared twice and a parent nobody declares are problems', () => {
    const broken = buildGraph([rev('a1', []), { ...rev('a1', []), path: '/q/a1.py' }, rev('b2', ['gone'])]);
    assert.equal(broken.problems.length, 2);
  });
});

describe('configuration and output', () => {
  test('alembic.ini sections, comments and continuation lines', () => {
    const ini = parseIni('[alembic]\n# comment\nscript_location = %(here)s/migrations\nversion_locations = a\n  b\nsqlalchemy.url = postgresql://  # inline\n[other]\nx=1\n');
    assert.equal(ini.get('alembic')?.get('script_location'), '%(here)s/migrations');
    assert.equal(ini.get('alembic')?.get('version_locations'), 'a\nb');
    assert.equal(ini.get('alembic')?.get('sqlalchemy.url'), 'postgresql://');
  });

  test('the URL target and the driver', () => {
    assert.deepEqual(urlTarget('postgresql+psycopg2://u:p@db.example:5433/app?sslmode=require'), { host: 'db.example', port: 5433, database: 'app' });
    assert.deepEqual(urlTarget('postgresql://'), { host: '', port: undefined, database: '' });
    assert.equal(urlTarget('sqlite:///x.db'), undefined);
    assert.equal(driverNote('postgresql+psycopg2://'), undefined);
    assert.equal(driverNote('postgresql://x/y'), undefined);
    assert.match(driverNote('postgresql+asyncpg://x/y') ?? '', /asyncpg, is not libpq-based and ignores PGOPTIONS/);
    assert.match(driverNote(undefined) ?? '', /cannot tell the project's driver/);
    assert.equal(pgOptions({ lockTimeoutMs: 2000, statementTimeoutMs: 60000 }, '-c search_path=app'), '-c search_path=app -c lock_timeout=2000 -c statement_timeout=60000');
  });

  test('the offline range and the error line Alembic printed', () => {
    assert.equal(offlineRange([], 'head'), 'head');
    assert.equal(offlineRange(['a1'], 'head'), 'a1:head');
    assert.ok(typeof offlineRange(['a1', 'b2'], 'head') === 'object');
    const lines = ['INFO  [alembic] Running upgrade a1 -> b2', 'Traceback (most recent call last):', '  File "x"', 'psycopg2.errors.LockNotAvailable: canceling statement due to lock timeout', '', 'The above exception was the direct cause', 'sqlalchemy.exc.OperationalError: (psycopg2.errors.LockNotAvailable) canceling statement due to lock timeout', '[SQL: ALTER TABLE t ADD c int]'];
    assert.equal(alembicErrorLine(lines), 'sqlalchemy.exc.OperationalError: (psycopg2.errors.LockNotAvailable) canceling statement due to lock timeout');
    assert.equal(isLockTimeout(lines), true);
    assert.equal(alembicErrorLine(['FAILED: Multiple head revisions are present']), 'FAILED: Multiple head revisions are present');
  });
});
