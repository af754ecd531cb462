#!/usr/bin/env node
// The bundled CLI (npm run build) starts fastest; the plain compiled modules work as well.
import { existsSync } from 'node:fs';

const bundled = new URL('../dist/bundle/main.js', import.meta.url);
const { main } = await import(existsSync(bundled) ? bundled.href : new URL('../dist/src/cli/main.js', import.meta.url).href);
// Let stdout drain (large YAML to a pipe) before exiting with the command's status.
process.exitCode = await main(process.argv.slice(2));
