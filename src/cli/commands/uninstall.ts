import { uninstall } from '../../actions/uninstall.js';
import { flagBool, type CommandSpec } from '../args.js';
import { clusterFlags, connect, interruptSignal, operationFlags, reportDamage, waitFlags, waitOptionsFrom } from '../cluster.js';
import { namespaceFlag, namespaceFrom } from '../common-flags.js';

export const uninstallCommand: CommandSpec = {
  path: ['uninstall'],
  summary: 'Remove a release in reverse order; keeps database data, volumes and generated secrets unless --purge.',
  positionals: [{ name: 'RELEASE', description: 'Release name' }],
  flags: [namespaceFlag, ...clusterFlags, ...waitFlags, { name: 'purge', type: 'bool', description: 'Also delete data: the PostgreSQL cluster, its volumes and generated secrets' }, ...operationFlags],
  examples: ['npx inferctl uninstall stack', 'npx inferctl uninstall infra --purge'],
  async run(args) {
    const ctx = await connect(args);
    const name = args.positionals[0];
    const namespace = namespaceFrom(args);
    try {
      const result = await uninstall(ctx, { name, namespace, purge: flagBool(args, 'purge'), wait: waitOptionsFrom(args, interruptSignal()), forceLock: flagBool(args, 'force') });
      ctx.progress.close();
      const lines = [`release "${name}" uninstalled: ${result.deleted.length} objects deleted`];
      if (result.purged.length) lines.push(`purged: ${result.purged.join(', ')}`);
      if (result.kept.length) lines.push(`kept: ${result.kept.join(', ')}`, `"inferctl uninstall ${name} -n ${namespace} --purge" deletes them; until then "inferctl list -n ${namespace}" shows the release as uninstalled.`);
      process.stdout.write(lines.join('\n') + '\n');
      return 0;
    } finally {
      ctx.progress.close();
      reportDamage(ctx);
    }
  },
};
