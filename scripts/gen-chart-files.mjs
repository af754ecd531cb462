#!/usr/bin/env node
// Regenerates charts/<name>/{Chart.yaml,values.yaml,values.schema.json} from the TypeScript charts.
// A test fails when they drift, so run this (after `npm run build`) whenever a values schema changes.
import { writeFileSync, mkdirSync } from 'node:fs';
import { chartNames, resolveChart } from '../dist/src/charts/index.js';
import { showChart, showSchema, showValues } from '../dist/src/actions/show.js';

for (const name of chartNames()) {
  const chart = resolveChart(name);
  const dir = new URL(`../charts/${name}/`, import.meta.url);
  mkdirSync(dir, { recursive: true });
  writeFileSync(new URL('Chart.yaml', dir), showChart(chart));
  writeFileSync(new URL('values.yaml', dir), showValues(chart));
  writeFileSync(new URL('values.schema.json', dir), showSchema(chart));
  console.log(`charts/${name}: Chart.yaml, values.yaml, values.schema.json`);
}
