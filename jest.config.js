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
  // Three workers on two cores: much of an end-to-end file is waiting on sockets and child
  // processes, and a third worker fills those gaps (on the 2-core machine, 55 s of jest time
  // instead of 62 s for the suite without the real-render file).
  maxWorkers: 3
}
