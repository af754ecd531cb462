import { UserError } from '../core/errors.js';
import type { ActionContext, WaitOptions } from '../actions/context.js';
import { defaultWait, makeContext } from '../actions/context.js';
import { PlainProgress, TreeProgress, type ProgressSink } from '../apply/progress.js';
import { flagBool, flagString, type FlagSpec, type ParsedArgs } from './args.js';

export const clusterFlags: FlagSpec[] = [
  { name: 'kubeconfig', type: 'string', valueName: 'FILE', description: 'Kubeconfig file (default $KUBECONFIG or ~/.kube/config)' },
  { name: 'kube-context', type: 'string', valueName: 'NAME', description: 'Kubeconfig context to use' },
];

export const waitFlags: FlagSpec[] = [
  { name: 'wait', type: 'bool', default: true, description: 'Wait until every object is ready (--wait=false or --no-wait to skip)' },
  { name: 'timeout', type: 'string', valueName: 'DURATION', default: '15m', description: 'How long to wait in total, e.g. 900s, 15m, 1h' },
];

/** Go-style durations as Helm takes them: 300s, 5m, 1h30m, or plain seconds. */
export function parseDuration(text: string, flag = '--timeout'): number {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = '';
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    consumed += m[0];
  }
  if (!consumed || consumed !== text) throw new UserError(`${flag} "${text}" is not a duration; write it like 900s, 15m or 1h30m.`);
  return total;
}

export function waitOptionsFrom(args: ParsedArgs, signal?: AbortSignal): WaitOptions {
  return {
    ...defaultWait,
    wait: args.flags.wait !== false,
    timeoutMs: parseDuration(flagString(args, 'timeout') ?? '15m'),
    pollMs: Number(process.env.INFERCTL_POLL_MS ?? defaultWait.pollMs),
    failGraceMs: Number(process.env.INFERCTL_FAIL_GRACE_MS ?? defaultWait.failGraceMs),
    signal,
  };
}

/** Set by the global --debug flag (or INFERCTL_DEBUG=1): every progress event, and stacks of unexpected errors. */
export function debugEnabled(): boolean {
  return !!process.env.INFERCTL_DEBUG;
}

export function progressSink(): ProgressSink {
  if (debugEnabled()) return new PlainProgress(undefined, true);
  return process.stderr.isTTY && !process.env.CI ? new TreeProgress() : new PlainProgress();
}

/** Connects lazily: client-node is loaded only by verbs that talk to a cluster. */
export async function connect(args: ParsedArgs, progress: ProgressSink = progressSink()): Promise<ActionContext> {
  const { loadKubeConfig, ClientNodeKube } = await import('../kube/client-node.js');
  const kc = loadKubeConfig({ kubeconfig: flagString(args, 'kubeconfig'), context: flagString(args, 'kube-context') });
  return makeContext(new ClientNodeKube(kc), progress);
}

/** Ctrl-C stops waiting cleanly: the release records what was applied, and a re-run converges. */
export function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  return controller.signal;
}

export function outputFormat(args: ParsedArgs): 'table' | 'json' | 'yaml' {
  const o = flagString(args, 'output') ?? 'table';
  if (o !== 'table' && o !== 'json' && o !== 'yaml') throw new UserError(`-o/--output must be table, json or yaml, got "${o}".`);
  return o;
}

export const outputFlag: FlagSpec = { name: 'output', short: 'o', type: 'string', valueName: 'FORMAT', default: 'table', description: 'Output format: table, json or yaml' };

export { flagBool };
