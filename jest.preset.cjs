/** The one jest preset: SWC transpiles TypeScript; type checking is `pnpm typecheck`'s job. */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
    // oauth4webapi ships ES modules only; jest's module system loads CommonJS, so SWC converts it too.
    '/oauth4webapi/build/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!\\.pnpm/oauth4webapi@|oauth4webapi/)'],
  moduleFileExtensions: ['ts', 'js', 'json', 'cjs', 'mjs'],
  testTimeout: 30_000,
};
