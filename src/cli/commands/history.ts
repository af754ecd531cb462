import { history } from '../../actions/history.js';
import { silentProgress } from '../../apply/progress.js';
import { UserError } from '../../core/errors.js';
import { flagString, type CommandSpec } from '../args.js';
import { clusterFlags, connect, outputFlag, outputFormat } from '../cluster.js';
import { namespaceFlag, namespaceFrom } from '../common-flags.js';
import { printData, table } from '../table.js';

export const historyCommand: CommandSpec = {
  path: ['history'],
  summary: 'Show the recorded revisions of a release, oldest first.',
  positionals: [{ name: 'RELEASE', description: 'Release name' }],
  flags: [namespaceFlag, ...clusterFlags, outputFlag, { name: 'max', type: 'string', valueName: 'N', default: '256', description: 'Show at most the last N revisions' }],
  examples: ['npx inferctl history infra -n llm', 'npx inferctl history infra -o json'],
  async run(args) {
    const format = outputFormat(args);
    const max = flagString(args, 'max') ?? '256';
    if (!/^[1-9]\d*$/.test(max)) throw new UserError(`--max must be a positive number of revisions, got "${max}".`);
    const ctx = await connect(args, silentProgress);
    const rows = await history(ctx, args.positionals[0], namespaceFrom(args), Number(max));
    printData(format, rows, () => table(['REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION', 'DESCRIPTION'], rows.map((r) => [String(r.revision), r.updated, r.status, r.chart, r.appVersion, r.description])));
    return 0;
  },
};
