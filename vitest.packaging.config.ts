import { defineConfig } from 'vitest/config';

/**
 * The packed-package check (`npm run check:package`): packs, lints and installs the tarball into
 * fresh projects. It takes two to three minutes on the 2-core CI machine, so it is kept out of
 * `npm test` (vitest.config.ts) and run on its own.
 */
export default defineConfig({
  test: {
    include: ['test/packaging/*.check.ts'],
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
