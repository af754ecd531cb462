#!/usr/bin/env node
/**
 * `npm run k8s-sim -- --port N --kubeconfig FILE`: the simulator as a process, for trying the CLI
 * or kubectl against it by hand. Prints one line with the URL; stops cleanly on SIGINT/SIGTERM.
 */
import { resolve } from 'node:path';
import { startSimulator } from './index.js';
import { openJournal } from './journal.js';
import { parseFaults, type FaultSpec } from './faults.js';

const HELP = `Usage: k8s-sim [--port N] [--kubeconfig FILE] [--speed X] [--controllers all|core|none] [--cpu-nodes N] [--gpu-nodes N] [--journal FILE] [--faults SPEC]

Starts the in-process Kubernetes API simulator on 127.0.0.1 with the default controllers: the
workload controllers and kubelet, and the operators of the platform (cert-manager and its
cainjector, Envoy Gateway, CNPG, the Knative Operator and Serving, KServe), Job programs run for
real (Python scripts from ConfigMaps, Envoy Gateway certgen) and a fake LiteLLM admin API for
LiteLLM pods. Lines starting "k8s-sim:" say where such fakes listen.

  --port N          TCP port on 127.0.0.1 (default 0: any free port)
  --kubeconfig FILE write a kubeconfig for the simulator to FILE (default: a temporary file)
  --speed X         controller speed factor (2 = delays halved; default 1)
  --controllers S   all (default), core (CRDs, namespaces, GC) or none
  --cpu-nodes N     CPU worker nodes, 8 cores and 32 GiB each (default 3)
  --gpu-nodes N     GPU worker nodes with 8 nvidia.com/gpu each, tainted
                    nvidia.com/gpu=present:NoSchedule (default 0)
  --journal FILE    append every stored change to FILE as a JSON line (resourceVersion order;
                    metadata, conditions and phase only, never data)
  --faults SPEC     API faults per request, e.g. 429=5%,500=5%,500after=1%,reset=1%,resetafter=1%,
                    hang=1,latency=20ms,retryafter=1,seed=7 (rates of requests; hang: the next N hang)
  --help            show this help
`;

interface Args {
  port: number;
  kubeconfig?: string;
  speed: number;
  controllers: 'all' | 'core' | 'none';
  journal?: string;
  faults?: FaultSpec;
  cpuNodes: number;
  gpuNodes: number;
}

export function parseArgs(argv: string[]): Args | 'help' {
  const args: Args = { port: 0, speed: 1, controllers: 'all', cpuNodes: 3, gpuNodes: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--help':
      case '-h':
        return 'help';
      case '--port': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be an integer from 0 to 65535`);
        args.port = n;
        break;
      }
      case '--kubeconfig':
        args.kubeconfig = resolve(value());
        break;
      case '--speed': {
        const n = Number(value());
        if (!(n > 0)) throw new Error('--speed must be a positive number');
        args.speed = n;
        break;
      }
      case '--journal':
        args.journal = resolve(value());
        break;
      case '--faults':
        args.faults = parseFaults(value());
        break;
      case '--controllers': {
        const v = value();
        if (v !== 'all' && v !== 'core' && v !== 'none') throw new Error('--controllers must be all, core or none');
        args.controllers = v;
        break;
      }
      case '--cpu-nodes':
      case '--gpu-nodes': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 100) throw new Error(`${flag} must be an integer from 0 to 100`);
        if (flag === '--cpu-nodes') args.cpuNodes = n;
        else args.gpuNodes = n;
        break;
      }
      default:
        throw new Error(`unknown argument: ${a}`);
    }
  }
  return args;
}

export async function main(): Promise<void> {
  let args: Args | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`k8s-sim: ${(e as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (args === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const sim = await startSimulator({
    port: args.port,
    kubeconfigPath: args.kubeconfig,
    speed: args.speed,
    controllers: args.controllers,
    cpuNodes: args.cpuNodes,
    gpuNodes: args.gpuNodes,
    faults: args.faults,
    onNotice: (message) => process.stdout.write(`k8s-sim: ${message}\n`),
  });
  if (args.journal) sim.store.subscribe(openJournal(args.journal));
  process.stdout.write(`k8s-sim listening on ${sim.url} (kubeconfig: ${sim.kubeconfigPath})\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

// Only run when executed directly (tests import parseArgs).
if (process.argv[1] && /standalone\.(js|ts)$/.test(process.argv[1])) {
  main().catch((e: unknown) => {
    process.stderr.write(`k8s-sim: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
