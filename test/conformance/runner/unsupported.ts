/** Thrown for a part of the test format this runner does not implement: the test is skipped, not failed. */
export class UnsupportedError extends Error {
  override name = 'UnsupportedError';
  constructor(what: string) {
    super(`runner: unsupported operation ${what}`);
  }
}
