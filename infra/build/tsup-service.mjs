// One production bundle recipe for every app (and the db package's CLIs).
//
// Our workspace packages export TypeScript sources, so they are bundled into
// each app. npm packages stay external: OpenTelemetry instruments pg, ioredis,
// express and the rest by hooking `require`, which sees nothing bundled, and
// several of them (sharp, argon2, bullmq's Lua scripts) load files beside
// their own code.
//
// An external left as a bare `require('luxon')` would resolve from the app's
// folder, where pnpm links only the app's own dependencies, not those of the
// packages bundled into it. So each bundled file keeps resolving its imports
// from the package it came from, exactly as it does unbundled under tsx.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const BUILTINS = new Set(builtinModules);

/** The folder of the nearest package.json at or above `file`. */
function owningPackage(file) {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${file}`);
    dir = parent;
  }
  return dir;
}

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const manifests = new Map();
function runtimeDependencies(pkgDir) {
  if (!manifests.has(pkgDir)) {
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    manifests.set(pkgDir, { name: manifest.name, deps: new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]) });
  }
  return manifests.get(pkgDir);
}

/**
 * Decides, for every bare import, between bundling (our workspace packages)
 * and an external require anchored at the importing package. It also fails
 * the build when production code imports a package its manifest does not list
 * under dependencies: a production install would not have it.
 */
function workspaceExternals({ appDir, outDir }) {
  return {
    name: 'coachline-workspace-externals',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        const name = packageName(args.path);
        if (args.path.startsWith('node:') || BUILTINS.has(name)) return { path: args.path, external: true };
        if (name.startsWith('@coachline/')) return undefined;
        const owner = owningPackage(args.importer);
        const { name: ownerName, deps } = runtimeDependencies(owner);
        if (!deps.has(name)) {
          return { errors: [{ text: `${relative(appDir, args.importer)} imports "${name}", which ${ownerName} lists only as a devDependency or not at all; a production install would not have it` }] };
        }
        if (resolve(owner) === resolve(appDir)) return { path: args.path, external: true };
        const anchor = relative(outDir, owner).split(sep).join('/');
        return { path: `${anchor}::${args.path}`, namespace: 'anchored-require' };
      });
      build.onLoad({ filter: /.*/, namespace: 'anchored-require' }, (args) => {
        const [anchor, specifier] = args.path.split('::');
        // __dirname is the bundle's folder at run time (CommonJS output), so the anchor survives moving the tree.
        const contents = `module.exports = require('node:module').createRequire(require('node:path').join(__dirname, ${JSON.stringify(anchor)}, 'package.json'))(${JSON.stringify(specifier)});`;
        return { contents, loader: 'js' };
      });
    },
  };
}

/**
 * Source rewrites that only a bundle needs, each checked: a rewrite whose
 * text is no longer in the file fails the build instead of shipping a bundle
 * that breaks at run time.
 */
function bundleRewrites(rewrites) {
  return {
    name: 'coachline-bundle-rewrites',
    setup(build) {
      for (const { file, replacements } of rewrites) {
        const filter = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
        build.onLoad({ filter }, (args) => {
          let source = readFileSync(args.path, 'utf8');
          for (const [from, to, why] of replacements) {
            if (!source.includes(from)) return { errors: [{ text: `${file} no longer contains ${JSON.stringify(from)} (${why}); update infra/build/tsup-service.mjs` }] };
            source = source.replaceAll(from, to);
          }
          return { contents: source, loader: 'ts' };
        });
      }
    },
  };
}

/**
 * tsup options for a service: `entry` maps output names to sources (main plus
 * any script the service forks), `rewrites` lists the bundle-only rewrites.
 */
export function serviceBundle({ appDir, entry, rewrites = [] }) {
  const outDir = join(appDir, 'dist');
  return {
    entry,
    outDir,
    format: ['cjs'],
    platform: 'node',
    // The oldest Node the engines field allows.
    target: 'node20.19',
    bundle: true,
    splitting: false,
    sourcemap: true,
    clean: true,
    dts: false,
    minify: false,
    // Every import goes through workspaceExternals, not tsup's own dependency list.
    noExternal: [/.*/],
    esbuildPlugins: [bundleRewrites(rewrites), workspaceExternals({ appDir, outDir })],
    tsconfig: join(appDir, 'tsconfig.json'),
  };
}
