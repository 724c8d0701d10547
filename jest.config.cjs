const preset = require('./jest.preset.cjs');

/** Every test of every app and package, in one run. */
module.exports = {
  ...preset,
  roots: ['<rootDir>/apps', '<rootDir>/packages', '<rootDir>/e2e'],
  testMatch: ['**/src/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  maxWorkers: 2,
};
