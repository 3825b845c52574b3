// One jest project per nx project (apps/*, libs/*, ops) plus the cross-service e2e suite.
// Kafka and PostgreSQL for integration tests are started once, by the global setup.
const { readdirSync, existsSync } = require('node:fs');
const path = require('node:path');
const { swcOptions } = require('./tools/swc-options.js');

const transform = { '^.+\\.ts$': ['@swc/jest', swcOptions()] };
const moduleNameMapper = { '^@herald/(.*)$': '<rootDir>/libs/$1/src/index.ts' };

function project(dir) {
  return {
    displayName: path.basename(dir),
    rootDir: __dirname,
    roots: [`<rootDir>/${dir}`],
    testEnvironment: 'node',
    testMatch: ['**/*.spec.ts', '**/*.e2e.ts'],
    transform,
    moduleNameMapper,
  };
}

const dirs = ['apps', 'libs'].flatMap((group) =>
  existsSync(path.join(__dirname, group))
    ? readdirSync(path.join(__dirname, group), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `${group}/${d.name}`)
    : [],
);

module.exports = {
  projects: [...dirs, 'ops', 'e2e'].map(project),
  globalSetup: '<rootDir>/tools/dev/jest-global-setup.js',
  globalTeardown: '<rootDir>/tools/dev/jest-global-teardown.js',
  testTimeout: 60_000,
};
