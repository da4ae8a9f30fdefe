// Spec tests that currently FAIL on the embedded server (not on a real one: ignored with MONGODB_URI).
// Each such test asserts that it still fails; when the server is fixed it passes, its vitest test fails,
// and the entry must be removed. Regenerate from a run: `npx tsx test/conformance/update-expected-failures.ts`.

export interface ExpectedFailure {
  /** Spec file, e.g. 'crud/find.json'. */
  file: string;
  /** The test's description. */
  test: string;
  /** Why it fails, in one line. */
  reason: string;
}

export const expectedFailures: ExpectedFailure[] = [];
