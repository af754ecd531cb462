import { rollback } from '../../actions/rollback.js';
import { UserError } from '../../core/errors.js';
import { flagBool, type CommandSpec } from '../args.js';
import { clusterFlags, connect, deployOperationFlags, historyMaxFrom, interruptSignal, reportDamage, waitFlags, waitOptionsFrom } from '../cluster.js';
import { namespaceFlag, namespaceFrom } from '../common-flags.js';

export const rollbackCommand: CommandSpec = {
  path: ['rollback'],
  summary: 'Re-apply a recorded revision (default: the previous one) as a new revision.',
  positionals: [
    { name: 'RELEASE', description: 'Release name' },
    { name: 'REVISION', description: 'Revision to restore', optional: true },
  ],
  flags: [namespaceFlag, ...clusterFlags, ...waitFlags, { name: 'force-conflicts', type: 'bool', description: 'Take over fields another field manager changed without listing them' }, ...deployOperationFlags],
  examples: ['npx inferctl rollback infra', 'npx inferctl rollback infra 2'],
  async run(args) {
    const [name, rev] = args.positionals;
    if (rev !== undefined && !/^\d+$/.test(rev)) throw new UserError(`REVISION must be a number, got "${rev}". "inferctl status ${name} --history" lists the revisions.`);
    const ctx = await connect(args);
    try {
      const result = await rollback(ctx, { name, namespace: namespaceFrom(args), revision: rev === undefined ? undefined : Number(rev), force: flagBool(args, 'force-conflicts'), wait: waitOptionsFrom(args, interruptSignal()), forceLock: flagBool(args, 'force'), takeOwnership: flagBool(args, 'take-ownership'), historyMax: historyMaxFrom(args) });
      ctx.progress.close();
      process.stdout.write(`Rollback was a success: ${name} is at revision ${result.record.revision} (${result.record.description}).\n`);
      return 0;
    } finally {
      ctx.progress.close();
      reportDamage(ctx);
    }
  },
};
