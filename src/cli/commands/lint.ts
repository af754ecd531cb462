import { lint } from '../../actions/lint.js';
import { loadChart } from '../../charts/registry.js';
import { flagList, flagString, type CommandSpec } from '../args.js';
import { namespaceFlag, namespaceFrom, valueFlags, valueOptionsFrom } from '../common-flags.js';

export const lintCommand: CommandSpec = {
  path: ['lint'],
  summary: 'Render a chart and validate every object against Kubernetes and the upstream CRD schemas.',
  positionals: [
    { name: 'RELEASE', description: 'Release name' },
    { name: 'CHART', description: 'Chart directory or chart name' },
  ],
  flags: [
    namespaceFlag,
    ...valueFlags,
    { name: 'crds', type: 'list', valueName: 'DIR', description: 'CRD files or directories (CRDs or install manifests); default: the pinned upstream CRDs' },
    { name: 'manifests-dir', type: 'string', valueName: 'DIR', description: 'Upstream release manifests (inference-operators)' },
  ],
  examples: ['inferctl lint infra ./charts/inference-infrastructure', 'inferctl lint infra inference-infrastructure -f values-external-db.yaml', 'inferctl lint infra inference-infrastructure --crds ./my-crds'],
  async run(args) {
    const [release, chartRef] = args.positionals;
    const { report, warnings } = await lint(
      { chart: (await loadChart(chartRef)), release, namespace: namespaceFrom(args), valueOptions: valueOptionsFrom(args), manifestsDir: flagString(args, 'manifests-dir') },
      flagList(args, 'crds'),
    );
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(report.summary() + (report.summary().endsWith('\n') ? '' : '\n'));
    return report.ok ? 0 : 1;
  },
};
