import { installOrUpgrade } from '../../actions/install.js';
import { loadChart } from '../../charts/registry.js';
import { flagBool, flagString, type CommandSpec, type ParsedArgs } from '../args.js';
import { clusterFlags, connect, interruptSignal, waitFlags, waitOptionsFrom } from '../cluster.js';
import { namespaceFlag, namespaceFrom, valueFlags, valueOptionsFrom } from '../common-flags.js';

const deployFlags = [
  namespaceFlag,
  { name: 'create-namespace', type: 'bool' as const, description: 'Create the release namespace if it does not exist' },
  ...valueFlags,
  ...clusterFlags,
  ...waitFlags,
  { name: 'dry-run', type: 'bool' as const, description: 'Server-side dry run: validate every object with the API server, change nothing' },
  { name: 'force-conflicts', type: 'bool' as const, description: 'Take over fields another field manager owns (server-side apply force)' },
  { name: 'rollback-on-failure', type: 'bool' as const, description: 'On failure, restore the previous revision (or remove a failed install)' },
  { name: 'manifests-dir', type: 'string' as const, valueName: 'DIR', description: 'Upstream release manifests for air-gapped clusters (inference-operators)' },
];

async function run(args: ParsedArgs, mode: 'install' | 'upgrade' | 'upgrade-install'): Promise<number> {
  const [name, chartRef] = args.positionals;
  const chart = (await loadChart(chartRef));
  const ctx = await connect(args);
  const dryRun = flagBool(args, 'dry-run');
  try {
    const result = await installOrUpgrade(
      ctx,
      {
        name,
        namespace: namespaceFrom(args),
        chart,
        valueOptions: valueOptionsFrom(args),
        manifestsDir: flagString(args, 'manifests-dir'),
        createNamespace: flagBool(args, 'create-namespace'),
        force: flagBool(args, 'force-conflicts'),
        dryRun,
        rollbackOnFailure: flagBool(args, 'rollback-on-failure'),
        wait: waitOptionsFrom(args, interruptSignal()),
      },
      mode,
    );
    ctx.progress.close();
    const r = result.record;
    const lines = [
      `NAME: ${r.name}`,
      `NAMESPACE: ${r.namespace}`,
      `STATUS: ${dryRun ? 'dry-run (nothing changed)' : r.status}`,
      `REVISION: ${r.revision}`,
      `CHART: ${r.chart.name}-${r.chart.version}`,
    ];
    if (result.pruned.length) lines.push(`PRUNED: ${result.pruned.join(', ')}`);
    if (result.kept.length) lines.push(`KEPT (holds data): ${result.kept.join(', ')}`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  } finally {
    ctx.progress.close();
  }
}

const positionals = [
  { name: 'RELEASE', description: 'Release name' },
  { name: 'CHART', description: 'Chart directory (./charts/inference-infrastructure) or chart name' },
];

export const installCommand: CommandSpec = {
  path: ['install'],
  summary: 'Install a chart: apply in dependency order and wait until everything is really ready.',
  positionals,
  flags: deployFlags,
  examples: [
    'npx inferctl install operators ./charts/inference-operators',
    'npx inferctl install infra ./charts/inference-infrastructure',
    'npx inferctl install stack ./charts/inference-stack --set infrastructureReleaseName=infra',
  ],
  run: (args) => run(args, 'install'),
};

export const upgradeCommand: CommandSpec = {
  path: ['upgrade'],
  summary: 'Upgrade a release: apply what changed, prune what left the render, keep generated secrets.',
  positionals,
  flags: [...deployFlags, { name: 'install', short: 'i', type: 'bool', description: 'Install the release if it does not exist' }],
  examples: ['npx inferctl upgrade infra ./charts/inference-infrastructure --set litellm-proxy.replicaCount=3'],
  run: (args) => run(args, flagBool(args, 'install') ? 'upgrade-install' : 'upgrade'),
};
