import { diff } from '../../actions/diff.js';
import { silentProgress } from '../../apply/progress.js';
import { loadChart } from '../../charts/registry.js';
import { flagBool, flagString, type CommandSpec } from '../args.js';
import { clusterFlags, connect, outputFlag, outputFormat } from '../cluster.js';
import { namespaceFlag, namespaceFrom, valueFlags, valueOptionsFrom } from '../common-flags.js';
import { printData } from '../table.js';

export const diffCommand: CommandSpec = {
  path: ['diff'],
  summary: 'Show what an upgrade would change, from a server-side dry run of every object.',
  positionals: [
    { name: 'RELEASE', description: 'Release name' },
    { name: 'CHART', description: 'Chart directory or chart name' },
  ],
  flags: [
    namespaceFlag,
    ...valueFlags,
    ...clusterFlags,
    outputFlag,
    { name: 'detailed-exitcode', type: 'bool', description: 'Exit 2 when there are changes, 0 when there are none (as helm-diff)' },
    { name: 'force-conflicts', type: 'bool', description: 'Dry-run as if taking over conflicting fields' },
    { name: 'manifests-dir', type: 'string', valueName: 'DIR', description: 'Upstream release manifests (inference-operators)' },
  ],
  examples: ['npx inferctl diff infra ./charts/inference-infrastructure --set valkey.replica.replicaCount=3', 'npx inferctl diff infra ./charts/inference-infrastructure --detailed-exitcode || echo "changes pending"'],
  async run(args) {
    const format = outputFormat(args);
    const ctx = await connect(args, silentProgress);
    const [name, chartRef] = args.positionals;
    const changes = await diff(ctx, { name, namespace: namespaceFrom(args), chart: (await loadChart(chartRef)), valueOptions: valueOptionsFrom(args), manifestsDir: flagString(args, 'manifests-dir'), force: flagBool(args, 'force-conflicts') });
    const changed = changes.filter((c) => c.change !== 'unchanged');
    printData(format, changed, () => changed.map((c) => `${c.change.toUpperCase()} ${c.object}${c.diff ? `\n${c.diff}` : ''}`).join('\n\n') + (changed.length ? '\n' : 'no changes\n'));
    return changed.length && flagBool(args, 'detailed-exitcode') ? 2 : 0;
  },
};
