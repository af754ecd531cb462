#!/usr/bin/env node
// Bundles the compiled CLI (dist/src) into dist/bundle with one chunk per lazily loaded command,
// so starting `inferctl template` resolves a handful of files instead of ~60 ES modules.
// Packages from node_modules stay external: they load only in the commands that need them.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const outdir = new URL('../dist/bundle/', import.meta.url).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [new URL('../dist/src/cli/main.js', import.meta.url).pathname],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
