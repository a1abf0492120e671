// Shared Jest settings for every workspace: TypeScript through swc, workspace packages from source.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^@hocbaso/ministry-simulator$': path.join(__dirname, 'deploy/local/ministry-simulator/src/index.ts'),
    '^@hocbaso/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
