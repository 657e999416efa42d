// ESM all the way: the @actions/* packages are ESM-only, so tests run under
// --experimental-vm-modules and swc emits ES modules.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // Types are checked once by `npm run typecheck`; the tests only need the types stripped, which
  // swc does many times faster than the TypeScript compiler (a fresh machine compiles every file).
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'es6' } }]
  },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 60000,
  // End-to-end tests spawn the bundled action and emulators; two cores, so keep it modest.
  maxWorkers: 2
}
