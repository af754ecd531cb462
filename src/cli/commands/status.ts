import { list, status } from '../../actions/status.js';
import { silentProgress } from '../../apply/progress.js';
import { flagBool, type CommandSpec } from '../args.js';
import { clusterFlags, connect, outputFlag, outputFormat } from '../cluster.js';
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
      const head = `NAME: ${report.name}\nNAMESPACE: ${report.namespace}\nREVISION: ${report.revision}\nSTATUS: ${report.status}\nCHART: ${report.chart}\nUPDATED: ${report.lastDeployed}\nDESCRIPTION: ${report.description}\n\n`;
      const objects = table(['OBJECT', 'GROUP', 'STATE', 'MESSAGE'], report.objects.map((o) => [o.object, o.group, o.readiness.state, o.readiness.message]));
      const history = report.history ? `\n${table(['REVISION', 'STATUS', 'CHART', 'UPDATED', 'DESCRIPTION'], report.history.map((h) => [String(h.revision), h.status, h.chart, h.updated, h.description]))}` : '';
      return head + objects + history;
    });
    const broken = report.objects.some((o) => o.readiness.state === 'failed');
    return broken ? 3 : 0;
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
    return 0;
  },
};
