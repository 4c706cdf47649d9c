import { describe } from 'node:test';
import { SUPPORTED_MAJORS } from '../../src/sandbox/binaries.js';

/**
 * The PostgreSQL majors that server-behaviour tests run on: every supported one, or the ones listed in
 * PGTOP_TEST_MAJORS (e.g. `PGTOP_TEST_MAJORS=16` or `14,18`). A requested major whose binaries are missing
 * fails its tests (the sandbox says what to install); it is never skipped.
 */
export function testMajors(env: NodeJS.ProcessEnv = process.env): number[] {
  const wanted = env.PGTOP_TEST_MAJORS?.trim();
  if (!wanted) return [...SUPPORTED_MAJORS];
  const majors = wanted.split(',').map((part) => Number(part.trim()));
  const unknown = majors.filter((major) => !(SUPPORTED_MAJORS as readonly number[]).includes(major));
  if (unknown.length > 0) throw new Error(`PGTOP_TEST_MAJORS: ${unknown.join(', ')} is not a supported major (${SUPPORTED_MAJORS.join(', ')})`);
  return majors;
}

/**
 * Declares `body` once per PostgreSQL major, each inside its own `describe('PostgreSQL N')`, the majors
 * running side by side (the tests of one major run one after another). `body` registers before/after hooks and tests for that major, starting its server
 * with `startPostgres({ major })`.
 */
export function describeEachMajor(title: string, body: (major: number) => void): void {
  describe(title, { concurrency: true }, () => {
    for (const major of testMajors()) describe(`PostgreSQL ${major}`, { concurrency: 1 }, () => body(major));
  });
}
