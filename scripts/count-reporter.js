// A node:test reporter that writes one JSON line of counts when the run ends, for scripts/run-tests.js.
// Suites and tests that failed only because a subtest failed are not counted again.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.type === 'test:pass') {
      if (event.data.details?.type === 'suite') continue;
      if (event.data.skip || event.data.todo) counts.skipped += 1;
      else counts.passed += 1;
    } else if (event.type === 'test:fail') {
      if (event.data.details?.error?.failureType === 'subtestsFailed') continue;
      counts.failed += 1;
    }
  }
  yield `${JSON.stringify(counts)}\n`;
}
