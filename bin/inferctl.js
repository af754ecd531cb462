#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

const code = await main(process.argv.slice(2));
// Let stdout drain (large YAML to a pipe) before exiting with the command's status.
process.exitCode = code;
