// Jest runs the TypeScript sources as native ES modules, transpiled by ts-jest file by file
// (isolatedModules: no type check here, `npm run typecheck` does that). `.js` import specifiers
// map back to the `.ts` sources.
import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.test.json' }],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // End-to-end suites start servers and sockets: one file at a time keeps them from starving each other on 2 cores.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
  cacheDirectory: '<rootDir>/.jest-cache',
  testTimeout: 60_000,
};

export default config;
