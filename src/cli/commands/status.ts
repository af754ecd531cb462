import { list, status } from '../../actions/status.js';
import { silentProgress } from '../../apply/progress.js';
import { flagBool, type CommandSpec } from '../args.js';
import { clusterFlags, connect, outputFlag, outputFormat, reportDamage } from '../cluster.js';
import { namespaceFlag, namespaceFrom } from '../common-flags.js';
import { printData, table } from '../table.js';

export const statusCommand: CommandSpec = {
  path: ['status'],
  summary: 'Show a release: its revision, and the live readiness of every object it owns.',
  positionals: [{ name: 'RELEASE', description: 'Release name' }],
  flags: [namespaceFlag, ...clusterFlags, outputFlag, { name: 'history', type: 'bool', description: 'Also list every recorded revision' }],
  examples: ['npx inferctl status infra', 'npx inferctl status infra -o json'],
  async run(args) {
    const format = outputFormat(args);
    const ctx = await connect(args, silentProgress);
    const report = await status(ctx, args.positionals[0], namespaceFrom(args), flagBool(args, 'history'));
    printData(format, report, () => {
      const notReady = report.objects.filter((o) => o.readiness.state !== 'ready').length;
      const readiness = report.ready ? 'yes' : notReady ? `no (${notReady} of ${report.objects.length} objects not ready)` : `no (revision ${report.status})`;
      const head = `NAME: ${report.name}\nNAMESPACE: ${report.namespace}\nREVISION: ${report.revision}\nSTATUS: ${report.status}\nREADY: ${readiness}\nCHART: ${report.chart}\nUPDATED: ${report.lastDeployed}\nDESCRIPTION: ${report.description}\n\n`;
      const objects = table(['OBJECT', 'GROUP', 'STATE', 'MESSAGE'], report.objects.map((o) => [o.object, o.group, o.readiness.state, o.readiness.message]));
      const drifted = report.objects.flatMap((o) => (o.drift ?? []).map((d) => `  ${o.object} ${d.field} (changed by ${d.manager})`));
      const drift = drifted.length ? `\nDRIFT (changed outside inferctl; "inferctl upgrade" takes it back):\n${drifted.join('\n')}\n` : '';
      const history = report.history ? `\n${table(['REVISION', 'STATUS', 'CHART', 'UPDATED', 'DESCRIPTION'], report.history.map((h) => [String(h.revision), h.status, h.chart, h.updated, h.description]))}` : '';
      return head + objects + drift + history;
    });
    reportDamage(ctx);
    // Like `kubectl wait`, usable in scripts: 0 ready, 3 found but not ready, 1 on errors.
    return report.ready ? 0 : 3;
  },
};

export const listCommand: CommandSpec = {
  path: ['list'],
  summary: 'List releases (in one namespace, or all with -A).',
  positionals: [],
  flags: [namespaceFlag, { name: 'all-namespaces', short: 'A', type: 'bool', description: 'List releases in every namespace' }, ...clusterFlags, outputFlag],
  examples: ['npx inferctl list -A'],
  async run(args) {
    const format = outputFormat(args);
    const ctx = await connect(args, silentProgress);
    const rows = await list(ctx, flagBool(args, 'all-namespaces') ? undefined : namespaceFrom(args));
    printData(format, rows, () => table(['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION'], rows.map((r) => [r.name, r.namespace, String(r.revision), r.updated, r.status, r.chart, r.appVersion])));
    reportDamage(ctx);
    return 0;
  },
};
