/**
 * A container that runs `python3 /<mount>/<file>.py ...` from a mounted volume (our secret
 * generator and model registrar ship that way, in ConfigMaps) runs for real with this machine's
 * python3, unless it hands over to a program of the image (`launch.py ... -- python3
 * litellm/proxy/prisma_migration.py`, LiteLLM's migration), which is not on this machine: mounts materialised in a temporary directory
 * and paths rewritten to it, the kubelet's
 * environment, the service account token mapped to KUBE_API_URL/KUBE_TOKEN pointing at the
 * simulator (only when the pod automounts it), and cluster DNS names of Services the simulator
 * fronts rewritten to their loopback address.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import type { K8sObject } from '../../core/object.js';
import { resolveServiceAddresses } from '../cluster-dns.js';
import { arr, obj } from '../util.js';
import type { ContainerProgram, ProgramRun, Container } from './types.js';
import { MaterialisedVolumes } from './volumes.js';

const PYTHON = /^python(3(\.\d+)?)?$/;

let interpreter: Promise<string> | undefined;
/** This machine's python3 as an executable path: a version manager's shim costs half a second per start. */
function python3(): Promise<string> {
  interpreter ??= new Promise((resolve) => {
    execFile('python3', ['-c', 'import sys; print(sys.executable)'], (err, stdout) => resolve(!err && stdout.trim() ? stdout.trim() : 'python3'));
  });
  return interpreter;
}
/** Interpreter options that take a value (the script comes after them). */
const OPTION_WITH_VALUE = new Set(['-W', '-X', '-Q']);

/** The script a python command line runs, or undefined (-c, -m, interactive). */
export function scriptOf(argv: string[]): string | undefined {
  if (!PYTHON.test(basename(argv[0] ?? ''))) return undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-c' || a === '-m' || a === '-') return undefined;
    if (OPTION_WITH_VALUE.has(a)) i++;
    else if (!a.startsWith('-')) return a.endsWith('.py') ? a : undefined;
  }
  return undefined;
}

function mountedVolumePath(pod: K8sObject, container: Container, path: string): boolean {
  const volumes = arr(obj(pod.spec).volumes).map(obj);
  return arr(container.volumeMounts)
    .map(obj)
    .some((m) => {
      const v = volumes.find((x) => x.name === m.name);
      const kind = v && (v.configMap || v.secret || v.projected);
      return !!kind && path.startsWith(`${String(m.mountPath).replace(/\/+$/, '')}/`);
    });
}

/** Whether the pod's service account token is mounted (pod setting first, then the ServiceAccount's). */
function automountsToken(r: ProgramRun): boolean {
  const spec = obj(r.pod.spec);
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  const sa = r.ctx.store.get('/serviceaccounts', r.pod.metadata.namespace, String(spec.serviceAccountName ?? 'default'));
  return obj(sa).automountServiceAccountToken !== false;
}

export const pythonScript: ContainerProgram = {
  name: 'python',

  matches(pod, container) {
    const argv = [...arr(container.command), ...arr(container.args)].map(String);
    const script = arr(container.command).length ? scriptOf(argv) : undefined;
    if (!script || !mountedVolumePath(pod, container, script)) return false;
    // A launcher handing over to another program runs only if that one is a script we also have.
    const handover = argv.indexOf('--', argv.indexOf(script));
    if (handover < 0) return true;
    const next = scriptOf(argv.slice(handover + 1));
    return !!next && mountedVolumePath(pod, container, next);
  },

  async run(r) {
    const dir = mkdtempSync(`${tmpdir()}/k8s-sim-python-`);
    try {
      const ns = r.pod.metadata.namespace ?? 'default';
      const sa = String(obj(r.pod.spec).serviceAccountName ?? 'default');
      const token = automountsToken(r) ? `k8s-sim:${ns}:${sa}` : undefined;
      const volumes = new MaterialisedVolumes(dir, r.ctx.store, r.pod, r.container, token);
      const dns = (s: string) => resolveServiceAddresses(s, r.ctx.store, r.ctx.backends);
      const apiPort = new URL(r.ctx.apiUrl()).port;
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOSTNAME: r.pod.metadata.name,
        KUBERNETES_SERVICE_HOST: '127.0.0.1',
        KUBERNETES_SERVICE_PORT: apiPort,
      };
      for (const k of ['HOME', 'LANG']) if (process.env[k]) env[k] = process.env[k]!;
      if (token) Object.assign(env, { KUBE_API_URL: r.ctx.apiUrl(), KUBE_TOKEN: token });
      for (const [k, v] of Object.entries(r.env)) env[k] = dns(volumes.mounted(v) ? volumes.local(v) : v);
      const args = r.argv.slice(1).map((a) => dns(volumes.mounted(a) ? volumes.local(a) : a));
      const workingDir = typeof r.container.workingDir === 'string' && volumes.mounted(r.container.workingDir) ? volumes.local(r.container.workingDir) : dir;
      const executable = await python3();
      return await new Promise<number>((resolve) => {
        const child = spawn(executable, args, { env, cwd: workingDir, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (d: Buffer) => r.log(d.toString()));
        child.stderr.on('data', (d: Buffer) => r.log(d.toString()));
        const abort = () => {
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 2000).unref();
        };
        r.signal.addEventListener('abort', abort, { once: true });
        child.on('error', (e) => {
          r.log(`exec python3: ${e.message}\n`);
          resolve(127);
        });
        child.on('close', (code, signal) => {
          r.signal.removeEventListener('abort', abort);
          resolve(code ?? (signal === 'SIGKILL' ? 137 : 143));
        });
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
