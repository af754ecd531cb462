import { installOrUpgrade, releaseSummary, type InstallRequest } from '../../actions/install.js';
import { loadChart } from '../../charts/registry.js';
import { UserError } from '../../core/errors.js';
import { toYaml } from '../../render/yaml-output.js';
import { flagBool, flagString, type CommandSpec, type FlagSpec, type ParsedArgs } from '../args.js';
import { clusterFlags, connect, deployOperationFlags, historyMaxFrom, interruptSignal, reportDamage, waitFlags, waitOptionsFrom } from '../cluster.js';
import { namespaceFlag, namespaceFrom, valueFlags, valueOptionsFrom } from '../common-flags.js';

const deployFlags = [
  namespaceFlag,
  { name: 'create-namespace', type: 'bool' as const, description: 'Create the release namespace if it does not exist' },
  ...valueFlags,
  ...clusterFlags,
  ...waitFlags,
  { name: 'dry-run', type: 'bool' as const, description: 'Server-side dry run: validate every object with the API server, change nothing' },
  { name: 'force-conflicts', type: 'bool' as const, description: 'Take over fields another field manager changed without listing them (by default they are taken back and listed as reverted)' },
  ...deployOperationFlags,
  { name: 'rollback-on-failure', type: 'bool' as const, description: 'On failure, restore the previous revision (or remove a failed install)' },
  { name: 'manifests-dir', type: 'string' as const, valueName: 'DIR', description: 'Upstream release manifests for air-gapped clusters (inference-operators)' },
  { name: 'output', short: 'o', type: 'string' as const, valueName: 'FORMAT', description: 'Print the result as json or yaml instead of the summary (progress stays on stderr)' },
];

const valuesFlags: FlagSpec[] = [
  { name: 'reuse-values', type: 'bool', description: "Reuse the last release's values and merge in -f/--set on top; renders on the last release's values instead of the chart's defaults" },
  { name: 'reset-then-reuse-values', type: 'bool', description: "The chart's defaults, then the last release's values, then -f/--set on top (ignored with --reuse-values or --reset-values)" },
  { name: 'reset-values', type: 'bool', description: "Ignore the last release's values: the chart's defaults and -f/--set only (without any of these three, the last values are reused when no -f/--set is given)" },
];

/** Helm's precedence: --reset-values, then --reuse-values, then --reset-then-reuse-values. */
function valuesMode(args: ParsedArgs): InstallRequest['values'] {
  if (flagBool(args, 'reset-values')) return 'reset';
  if (flagBool(args, 'reuse-values')) return 'reuse';
  if (flagBool(args, 'reset-then-reuse-values')) return 'reset-then-reuse';
  return undefined;
}

async function run(args: ParsedArgs, mode: 'install' | 'upgrade' | 'upgrade-install'): Promise<number> {
  const [name, chartRef] = args.positionals;
  const output = flagString(args, 'output');
  if (output !== undefined && output !== 'json' && output !== 'yaml') throw new UserError(`-o/--output of ${mode === 'install' ? 'install' : 'upgrade'} must be json or yaml (without it, a summary is printed), got "${output}".`);
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
        values: valuesMode(args),
        takeOwnership: flagBool(args, 'take-ownership'),
        forceLock: flagBool(args, 'force'),
        historyMax: historyMaxFrom(args),
      },
      mode,
    );
    ctx.progress.close();
    if (output) {
      const summary = releaseSummary(result, dryRun);
      process.stdout.write(output === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : toYaml(summary));
      return 0;
    }
    const r = result.record;
    const lines = [
      `NAME: ${r.name}`,
      `NAMESPACE: ${r.namespace}`,
      `STATUS: ${dryRun ? 'dry-run (nothing changed)' : r.status}`,
      `REVISION: ${r.revision}`,
      `CHART: ${r.chart.name}-${r.chart.version}`,
    ];
    if (result.pruned.length) lines.push(`PRUNED: ${result.pruned.join(', ')}`);
    if (result.kept.length) lines.push(`KEPT (holds data, shared, or no longer this release's): ${result.kept.join(', ')}`);
    if (result.notes.reverted.length) lines.push(`REVERTED (changed outside inferctl): ${result.notes.reverted.join('; ')}`);
    if (result.notes.adopted.length) lines.push(`ADOPTED (--take-ownership): ${result.notes.adopted.join(', ')}`);
    if (result.notes.shared.length) lines.push(`SHARED: ${result.notes.shared.join('; ')}`);
    process.stdout.write(lines.join('\n') + '\n');
    return 0;
  } finally {
    ctx.progress.close();
    reportDamage(ctx);
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
  flags: [...deployFlags, ...valuesFlags, { name: 'install', short: 'i', type: 'bool', description: 'Install the release if it does not exist' }],
  examples: [
    'npx inferctl upgrade infra ./charts/inference-infrastructure --set litellm-proxy.replicaCount=3',
    'npx inferctl upgrade infra ./charts/inference-infrastructure --reuse-values --set valkey.replica.replicaCount=3',
    'npx inferctl upgrade --install stack ./charts/inference-stack -f models.yaml -o json',
  ],
  run: (args) => run(args, flagBool(args, 'install') ? 'upgrade-install' : 'upgrade'),
};
