const preset = require('./jest.preset.cjs');

const shared = {
  ...preset,
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/e2e'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

/**
 * Every test of every app and package, in two projects: `unit` (`*.test.ts`,
 * pure logic, no services; `pnpm test:unit`) and `int` (`*.int.test.ts`, against
 * the real Postgres, Redis and S3 that `pnpm test` starts). `pnpm test` runs both.
 */
module.exports = {
  maxWorkers: 2,
  // A global option: jest reads it from here, not from each project.
  testTimeout: preset.testTimeout,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['**/src/**/*.test.ts'], testPathIgnorePatterns: [...shared.testPathIgnorePatterns, '\\.int\\.test\\.ts$'] },
    { ...shared, displayName: 'int', testMatch: ['**/src/**/*.int.test.ts'] },
  ],
};
