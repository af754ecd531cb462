import { showChart, showSchema, showValues } from '../../actions/show.js';
import { loadChart } from '../../charts/registry.js';
import type { CommandSpec } from '../args.js';

const chartArg = [{ name: 'CHART', description: 'Chart directory or chart name' }];

export const showValuesCommand: CommandSpec = {
  path: ['show', 'values'],
  summary: "Print the chart's values with their defaults and descriptions, as YAML.",
  positionals: chartArg,
  flags: [],
  examples: ['inferctl show values ./charts/inference-infrastructure > my-values.yaml'],
  async run(args) {
    process.stdout.write(showValues((await loadChart(args.positionals[0]))));
    return 0;
  },
};

export const showSchemaCommand: CommandSpec = {
  path: ['show', 'schema'],
  summary: "Print the JSON Schema of the chart's values (for yaml-language-server completion).",
  positionals: chartArg,
  flags: [],
  examples: ['inferctl show schema inference-infrastructure > values.schema.json'],
  async run(args) {
    process.stdout.write(showSchema((await loadChart(args.positionals[0]))));
    return 0;
  },
};

export const showChartCommand: CommandSpec = {
  path: ['show', 'chart'],
  summary: "Print the chart's metadata.",
  positionals: chartArg,
  flags: [],
  async run(args) {
    process.stdout.write(showChart((await loadChart(args.positionals[0]))));
    return 0;
  },
};
