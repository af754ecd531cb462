import { template } from '../../actions/template.js';
import { loadChart } from '../../charts/registry.js';
import { flagString, type CommandSpec } from '../args.js';
import { namespaceFlag, namespaceFrom, valueFlags, valueOptionsFrom } from '../common-flags.js';

export const templateCommand: CommandSpec = {
  path: ['template'],
  summary: 'Render a chart to Kubernetes YAML locally, without contacting a cluster.',
  positionals: [
    { name: 'RELEASE', description: 'Release name; prefixes every object name' },
    { name: 'CHART', description: 'Chart directory (./charts/inference-infrastructure) or chart name' },
  ],
  flags: [
    namespaceFlag,
    ...valueFlags,
    { name: 'output-dir', type: 'string', valueName: 'DIR', description: 'Write one file per object into DIR instead of stdout' },
    { name: 'manifests-dir', type: 'string', valueName: 'DIR', description: 'Upstream release manifests for air-gapped use (inference-operators)' },
  ],
  examples: [
    'inferctl template infra ./charts/inference-infrastructure',
    'inferctl template infra ./charts/inference-infrastructure -f values-external-db.yaml',
    'inferctl template platform inference-infrastructure -n llm --output-dir ./rendered',
  ],
  async run(args) {
    const [release, chartRef] = args.positionals;
    const outputDir = flagString(args, 'output-dir');
    const result = await template(
      { chart: (await loadChart(chartRef)), release, namespace: namespaceFrom(args), valueOptions: valueOptionsFrom(args), manifestsDir: flagString(args, 'manifests-dir') },
      outputDir,
    );
    for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
    if (result.yaml !== undefined) writeParts(result.yaml);
    else process.stderr.write(`wrote ${result.files!.length} files to ${outputDir}\n`);
    return 0;
  },
};

/** Writes text and byte pieces in order; large upstream bodies go out as the bytes the build-time cache holds. */
function writeParts(parts: (string | Uint8Array)[]): void {
  let text = '';
  for (const part of parts) {
    if (typeof part === 'string') text += part;
    else {
      if (text) process.stdout.write(text);
      process.stdout.write(part);
      text = '';
    }
  }
  if (text) process.stdout.write(text);
}
