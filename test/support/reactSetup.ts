// Setup of the react (jsdom) test project. testing-library's `waitFor` / `findBy*` wait for a
// condition; their default 1 s budget made them timed assertions that fail on a loaded machine
// (slow, not wrong). Waits are bounded by the test's own timeout instead (30 s in vitest.config.ts).
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 25_000 });
