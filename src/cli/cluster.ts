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

/** Connects lazily: the kubeconfig code is loaded only by verbs that talk to a cluster. Requests stop on SIGINT/SIGTERM. */
export async function connect(args: ParsedArgs, progress: ProgressSink = progressSink(), signal: AbortSignal = interruptSignal()): Promise<ActionContext> {
  const { connectKube } = await import('../kube/connect.js');
  const kube = await connectKube({ kubeconfig: flagString(args, 'kubeconfig'), context: flagString(args, 'kube-context'), signal });
  return makeContext(kube, progress);
}

let interrupt: AbortController | undefined;

/**
 * SIGINT/SIGTERM stop every wait and request at once: the release records what was applied, the
 * command exits 130, and a re-run converges. A second signal exits at once.
 */
export function interruptSignal(): AbortSignal {
  if (interrupt) return interrupt.signal;
  const controller = new AbortController();
  interrupt = controller;
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${sig}: stopping; the release records what was applied (a second ${sig} exits at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}

/** Release-operation flags of install, upgrade, rollback and uninstall. */
export const operationFlags: FlagSpec[] = [
  { name: 'force', type: 'bool', description: 'Take the release lock even though another operation holds it (use when that process is gone)' },
];

export const deployOperationFlags: FlagSpec[] = [
  ...operationFlags,
  { name: 'take-ownership', type: 'bool', description: 'Adopt objects that exist but belong to another release or to nobody, instead of refusing' },
  { name: 'history-max', type: 'string', valueName: 'N', default: '10', description: 'Revisions to keep (older ones are deleted; 0 keeps them all)' },
];

export function historyMaxFrom(args: ParsedArgs): number {
  const raw = flagString(args, 'history-max') ?? '10';
  if (!/^\d+$/.test(raw)) throw new UserError(`--history-max must be a whole number, got "${raw}".`);
  const n = Number(raw);
  return n === 0 ? Number.MAX_SAFE_INTEGER : n;
}

/** Revisions some command could not read: said once, at the end, never fatal. */
export function reportDamage(ctx: ActionContext): void {
  for (const d of ctx.store.damaged) {
    process.stderr.write(`warning: revision ${d.revision} of release ${d.namespace}/${d.name} cannot be read (${d.reason}); it was skipped. "inferctl history ${d.name} -n ${d.namespace}" lists what is readable; upgrade, rollback and uninstall work on those.\n`);
  }
}

export function outputFormat(args: ParsedArgs): 'table' | 'json' | 'yaml' {
  const o = flagString(args, 'output') ?? 'table';
  if (o !== 'table' && o !== 'json' && o !== 'yaml') throw new UserError(`-o/--output must be table, json or yaml, got "${o}".`);
  return o;
}

export const outputFlag: FlagSpec = { name: 'output', short: 'o', type: 'string', valueName: 'FORMAT', default: 'table', description: 'Output format: table, json or yaml' };

export { flagBool };
