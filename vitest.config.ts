import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // expect.poll waits for the UI (or a job) to reach a state; vitest's default 1 s is shorter than one round trip
    // through a busy 2-core CI machine (a compare undo timed out there). Waiting longer changes no assertion: the
    // state must still be reached. Speed is measured by `npm run bench`, never here.
    expect: { poll: { timeout: 10_000 } },
  },
});
