#!/usr/bin/env node
// Bundles the compiled CLI (dist/src) into dist/bundle with one chunk per lazily loaded command,
// so starting `inferctl template` resolves a handful of files instead of ~60 ES modules.
// Packages from node_modules stay external: they load only in the commands that need them.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;

function externalPackagesExcept(inlined) {
  return {
    name: 'external-packages',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const pkg = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
        if (args.path.startsWith('node:') || inlined.includes(pkg)) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../dist/src/cli/main.js', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Dependencies stay in node_modules, loaded only by the commands that need them, except js-yaml:
  // inlined into the chunk that parses upstream manifests when no build-time cache applies.
  plugins: [externalPackagesExcept(['js-yaml'])],
  // Inlined CommonJS may require Node built-ins; ESM chunks get a require for them.
  banner: { js: "import { createRequire as __inferctlRequire } from 'node:module'; const require = __inferctlRequire(import.meta.url);" },
  logLevel: 'warning',
});
