// Jest runs our ES modules natively (node --experimental-vm-modules) and lets swc strip
// the TypeScript. NestJS 12 ships ESM only, so transforming it to CommonJS would mean
// re-compiling node_modules on every cold run; native ESM keeps the suite fast.
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

const shared = {
  rootDir: '.',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

export default {
  // Without TEST_DATABASE_URL / TEST_REDIS_URL the suite brings its own: an embedded PostgreSQL
  // (.data/test-postgres, left running for the next run) and a private redis-server. CI sets both
  // to the machine's services.
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
  // No forceExit: every test file closes what it opens, and the suite exits on its own. (The
  // 100 %-CPU hang after the Redis outage test was TcpProxy resetting a half-closed socket;
  // fixed there.) A test that leaves a handle open now shows up as a run that does not end.
  // Jest 30 ignores testTimeout inside `projects` entries (measured: a 6 s test failed at 5 s),
  // so the bound is set here, for every level. Unit tests finish in milliseconds anyway.
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    { ...shared, displayName: 'int', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/{apps,libs}/**/*.e2e-spec.ts'] },
  ],
};
