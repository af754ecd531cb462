/** A kubeconfig pointing kubectl (or any client-go program) at the simulator over plain HTTP. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** Context, cluster and user name (default "k8s-sim"). */
  name?: string;
  /** Default namespace of the context (default "default"). */
  namespace?: string;
}

export function kubeconfigYaml(url: string, opts: KubeconfigOptions = {}): string {
  const name = opts.name ?? 'k8s-sim';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain http unless TLS verification is explicitly off; kubectl ignores it for http.
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: opts.namespace ?? 'default' } }],
    'current-context': name,
    users: [{ name, user: {} }],
    preferences: {},
  });
}

export function writeKubeconfig(file: string, url: string, opts: KubeconfigOptions = {}): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, kubeconfigYaml(url, opts), { mode: 0o600 });
  return file;
}
