import { showChart, showSchema, showValues } from '../../actions/show.js';
import { resolveChart } from '../../charts/index.js';
import type { CommandSpec } from '../args.js';

const chartArg = [{ name: 'CHART', description: 'Chart directory or chart name' }];

export const showValuesCommand: CommandSpec = {
  path: ['show', 'values'],
  summary: "Print the chart's values with their defaults and descriptions, as YAML.",
  positionals: chartArg,
  flags: [],
  examples: ['inferctl show values ./charts/inference-infrastructure > my-values.yaml'],
  run(args) {
    process.stdout.write(showValues(resolveChart(args.positionals[0])));
    return 0;
  },
};

export const showSchemaCommand: CommandSpec = {
  path: ['show', 'schema'],
  summary: "Print the JSON Schema of the chart's values (for yaml-language-server completion).",
  positionals: chartArg,
  flags: [],
  examples: ['inferctl show schema inference-infrastructure > values.schema.json'],
  run(args) {
    process.stdout.write(showSchema(resolveChart(args.positionals[0])));
    return 0;
  },
};

export const showChartCommand: CommandSpec = {
  path: ['show', 'chart'],
  summary: "Print the chart's metadata.",
  positionals: chartArg,
  flags: [],
  run(args) {
    process.stdout.write(showChart(resolveChart(args.positionals[0])));
    return 0;
  },
};
