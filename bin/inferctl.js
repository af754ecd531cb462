#!/usr/bin/env node
// The bundled CLI (npm run build) starts fastest; the plain compiled modules work as well.
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';

// inferctl lives for a fraction of a second of CPU: the optimizing compiler's work on a command this
// short costs more than it saves (measured in docs/benchmarks.md), so code stays at baseline tiers.
setFlagsFromString('--no-opt');

const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : new URL('../dist/src/cli/main.js', import.meta.url).href);
// Let stdout drain (large YAML to a pipe) before exiting with the command's status.
process.exitCode = await main(process.argv.slice(2));
