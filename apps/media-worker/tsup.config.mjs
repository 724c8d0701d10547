import { serviceBundle } from '../../infra/build/tsup-service.mjs';

export default serviceBundle({
  appDir: import.meta.dirname,
  // image.pool.ts forks image.child with `fork(join(__dirname, ...))`, so the child is built beside main.js.
  entry: { main: 'src/main.ts', 'image.child': 'src/image.child.ts' },
  rewrites: [
    {
      file: 'src/image.pool.ts',
      replacements: [
        ["'image.child.ts'", "'image.child.js'", 'the bundle forks the built child'],
        ["execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href]", 'execArgv: []', 'built JavaScript needs no TypeScript loader'],
      ],
    },
  ],
});
