import { isUserError } from '../core/errors.js';
import { helpText, parseArgs, type CommandSpec } from './args.js';
import { VERSION } from '../version.js';

/** Each entry loads its command module only when used, so `template` does not pay for `lint`. */
const COMMANDS: { path: string[]; summary: string; load: () => Promise<CommandSpec> }[] = [
  { path: ['template'], summary: 'Render a chart to YAML locally', load: async () => (await import('./commands/template.js')).templateCommand },
  { path: ['lint'], summary: 'Render and validate against Kubernetes and upstream CRD schemas', load: async () => (await import('./commands/lint.js')).lintCommand },
  { path: ['show', 'values'], summary: "Print the chart's documented default values", load: async () => (await import('./commands/show.js')).showValuesCommand },
  { path: ['show', 'schema'], summary: "Print the JSON Schema of the chart's values", load: async () => (await import('./commands/show.js')).showSchemaCommand },
  { path: ['show', 'chart'], summary: "Print the chart's metadata", load: async () => (await import('./commands/show.js')).showChartCommand },
  { path: ['install'], summary: 'Install a chart in dependency order and wait until ready', load: async () => (await import('./commands/install.js')).installCommand },
  { path: ['upgrade'], summary: 'Upgrade a release; prune what left; keep secrets', load: async () => (await import('./commands/install.js')).upgradeCommand },
  { path: ['uninstall'], summary: 'Remove a release, keeping data unless --purge', load: async () => (await import('./commands/uninstall.js')).uninstallCommand },
  { path: ['status'], summary: 'Show a release and the readiness of its objects', load: async () => (await import('./commands/status.js')).statusCommand },
  { path: ['history'], summary: 'Show the recorded revisions of a release', load: async () => (await import('./commands/history.js')).historyCommand },
  { path: ['get', 'values'], summary: 'Print the values of a release (--all: every value the render used)', load: async () => (await import('./commands/get.js')).getValuesCommand },
  { path: ['get', 'manifest'], summary: 'Print the objects a release applied', load: async () => (await import('./commands/get.js')).getManifestCommand },
  { path: ['list'], summary: 'List releases', load: async () => (await import('./commands/status.js')).listCommand },
  { path: ['diff'], summary: 'Show what an upgrade would change (server-side dry run)', load: async () => (await import('./commands/diff.js')).diffCommand },
  { path: ['fetch-manifests'], summary: 'Download and verify the upstream manifests of inference-operators', load: async () => (await import('./commands/fetch-manifests.js')).fetchManifestsCommand },
  { path: ['rollback'], summary: 'Re-apply a recorded revision', load: async () => (await import('./commands/rollback.js')).rollbackCommand },
];

const GLOBAL_FLAGS = '  --debug         Show every progress event and, on an unexpected error, its full detail and stack';

function topHelp(): string {
  const lines = [
    `inferctl ${VERSION}: deploy an LLM inference platform (CNPG, Valkey, Envoy Gateway, Knative, KServe, LiteLLM) on Kubernetes.`,
    '',
    'Usage:\n  inferctl COMMAND [args] [flags]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.path.join(' ').padEnd(16)}${c.summary}`),
    '',
    'Global flags:',
    GLOBAL_FLAGS,
    '',
    'Run "inferctl COMMAND --help" for the flags of a command.',
  ];
  return lines.join('\n') + '\n';
}

/** `inferctl show`, `inferctl get`: a command that only groups others lists them. */
function groupHelp(group: string): string {
  const members = COMMANDS.filter((c) => c.path[0] === group && c.path.length > 1);
  const lines = [
    `Usage:\n  inferctl ${group} COMMAND [args] [flags]`,
    '',
    'Commands:',
    ...members.map((c) => `  ${c.path.slice(1).join(' ').padEnd(14)}${c.summary}`),
    '',
    `Run "inferctl ${group} COMMAND --help" for the flags of a command.`,
  ];
  return lines.join('\n') + '\n';
}

export async function main(argv: string[]): Promise<number> {
  // --debug is global, as in Helm: accepted anywhere before a "--".
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  if (argv.slice(0, end).includes('--debug')) {
    process.env.INFERCTL_DEBUG = '1';
    argv = argv.filter((a, i) => i >= end || a !== '--debug');
  }
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      process.stdout.write(topHelp());
      return 0;
    }
    if (argv[0] === '--version' || argv[0] === 'version') {
      process.stdout.write(`inferctl ${VERSION}\n`);
      return 0;
    }
    const entry = COMMANDS.filter((c) => c.path.every((p, i) => argv[i] === p)).sort((a, b) => b.path.length - a.path.length)[0];
    const isGroup = COMMANDS.some((c) => c.path.length > 1 && c.path[0] === argv[0]);
    if (!entry && isGroup && (argv.length === 1 || argv[1] === '--help' || argv[1] === '-h')) {
      process.stdout.write(groupHelp(argv[0]));
      return 0;
    }
    if (!entry) {
      const group = COMMANDS.filter((c) => c.path[0] === argv[0]);
      const hint = group.length ? ` Did you mean: ${group.map((c) => `inferctl ${c.path.join(' ')}`).join(', ')}?` : '';
      process.stderr.write(`Error: unknown command "${argv.slice(0, 2).join(' ')}".${hint} Run "inferctl --help" for the list of commands.\n`);
      return 1;
    }
    const spec = await entry.load();
    const rest = argv.slice(entry.path.length);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(helpText(spec));
      return 0;
    }
    return await spec.run(parseArgs(spec, rest));
  } catch (err) {
    const debug = !!process.env.INFERCTL_DEBUG;
    if (err instanceof Error && err.name === 'AbortedError') {
      process.stderr.write('Error: interrupted; run the same command again: it converges from where it stopped.\n');
      return 130;
    }
    if (isUserError(err)) {
      process.stderr.write(`Error: ${err.message}\n`);
      if (debug) process.stderr.write(details(err));
      return err.exitCode;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`Error: unexpected failure: ${message}\nThis is a bug in inferctl; ${debug ? 'the details follow' : 'run again with --debug for details'}, and please report it.\n`);
    if (debug) process.stderr.write(details(err));
    return 70;
  }
}

/** The full detail of an error for --debug: its stack, the API server's Status, and its causes. */
function details(err: unknown): string {
  const out: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (!(e instanceof Error)) {
      out.push(String(e));
      break;
    }
    out.push(`${depth ? 'caused by: ' : ''}${e.stack ?? e.message}`);
    const status = (e as { status?: unknown }).status;
    if (status) out.push(`API server status: ${JSON.stringify(status)}`);
  }
  return out.join('\n') + '\n';
}
