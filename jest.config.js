/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: false }] },
  setupFiles: ['reflect-metadata'],
  // One PGlite per worker (test/support/workerPglite.ts), and a line for each part of the suite not run here.
  globalSetup: '<rootDir>/test/support/jestGlobalSetup.ts',
  globalTeardown: '<rootDir>/test/support/jestGlobalTeardown.ts',
  testTimeout: 60000,
};
