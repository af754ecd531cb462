import { getManifest, getValues } from '../../actions/get.js';
import { silentProgress } from '../../apply/progress.js';
import { UserError } from '../../core/errors.js';
import { toYaml, toYamlStream } from '../../render/yaml-output.js';
import { flagBool, flagString, type CommandSpec, type ParsedArgs } from '../args.js';
import { clusterFlags, connect } from '../cluster.js';
import { namespaceFlag, namespaceFrom } from '../common-flags.js';

const revisionFlag = { name: 'revision', type: 'string' as const, valueName: 'N', description: 'A recorded revision instead of the current one' };

function revisionOf(args: ParsedArgs): number | undefined {
  const rev = flagString(args, 'revision');
  if (rev === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(rev)) throw new UserError(`--revision must be a revision number, got "${rev}"; "inferctl history ${args.positionals[0]}" lists them.`);
  return Number(rev);
}

export const getValuesCommand: CommandSpec = {
  path: ['get', 'values'],
  summary: 'Print the values a release was installed or upgraded with (user-supplied; --all: every value the render used).',
  positionals: [{ name: 'RELEASE', description: 'Release name' }],
  flags: [
    namespaceFlag,
    ...clusterFlags,
    { name: 'all', short: 'a', type: 'bool', description: 'Every value the render used: chart defaults with the user-supplied values on top' },
    revisionFlag,
    { name: 'output', short: 'o', type: 'string', valueName: 'FORMAT', default: 'table', description: 'table (YAML under a heading, as Helm prints it), json or yaml' },
  ],
  examples: ['npx inferctl get values infra -n llm', 'npx inferctl get values infra --all -o yaml > values.yaml'],
  async run(args) {
    const format = flagString(args, 'output') ?? 'table';
    if (!['table', 'json', 'yaml'].includes(format)) throw new UserError(`-o/--output must be table, json or yaml, got "${format}".`);
    const all = flagBool(args, 'all');
    const ctx = await connect(args, silentProgress);
    const values = await getValues(ctx, args.positionals[0], namespaceFrom(args), { all, revision: revisionOf(args) });
    if (format === 'json') process.stdout.write(JSON.stringify(values, null, 2) + '\n');
    else {
      const yaml = Object.keys(values).length ? toYaml(values) : 'null\n';
      process.stdout.write(format === 'table' ? `${all ? 'COMPUTED VALUES' : 'USER-SUPPLIED VALUES'}:\n${yaml}` : yaml);
    }
    return 0;
  },
};

export const getManifestCommand: CommandSpec = {
  path: ['get', 'manifest'],
  summary: 'Print the objects a release applied, in apply order (Secret values hidden).',
  positionals: [{ name: 'RELEASE', description: 'Release name' }],
  flags: [namespaceFlag, ...clusterFlags, revisionFlag],
  examples: ['npx inferctl get manifest infra -n llm', 'npx inferctl get manifest infra --revision 1 | kubectl diff -f -'],
  async run(args) {
    const ctx = await connect(args, silentProgress);
    const objects = await getManifest(ctx, args.positionals[0], namespaceFrom(args), revisionOf(args));
    process.stdout.write(toYamlStream(objects.map((object) => ({ object }))));
    return 0;
  },
};
