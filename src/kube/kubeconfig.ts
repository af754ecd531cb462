import { KubeConfig } from '@kubernetes/client-node';
import type { RequestOptions } from 'node:https';
import { UserError } from '../core/errors.js';
import type { Endpoint } from './transport.js';

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
}

/** The kubeconfig as kubectl reads it ($KUBECONFIG, ~/.kube/config, or --kubeconfig), with one-paragraph errors. */
export function loadKubeConfig(opts: ConnectOptions): KubeConfig {
  const kc = new KubeConfig();
  const where = opts.kubeconfig ?? process.env.KUBECONFIG ?? '~/.kube/config';
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UserError(`cannot read kubeconfig ${where}: ${(err as Error).message}. Pass --kubeconfig FILE or set KUBECONFIG to a kubeconfig that exists.`);
  }
  if (opts.context) {
    if (!kc.getContexts().some((c) => c.name === opts.context)) {
      throw new UserError(`kubeconfig ${where} has no context "${opts.context}"; it has: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}. Pick one with --kube-context.`);
    }
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new UserError(`no Kubernetes cluster is configured in ${where}: it has no current context (or no kubeconfig exists there). Pass --kubeconfig FILE and --kube-context NAME, or point KUBECONFIG at your cluster's kubeconfig.`);
  }
  try {
    const url = new URL(cluster.server);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`scheme ${url.protocol}`);
  } catch (err) {
    throw new UserError(`the server of cluster "${cluster.name}" in ${where} is not an http(s) URL ("${cluster.server}": ${(err as Error).message}). Fix clusters[].cluster.server in the kubeconfig.`);
  }
  return kc;
}

/**
 * The server, TLS settings and per-request auth of the kubeconfig's current context. client-node
 * does the kubeconfig work (CA and client certificate files or data, tokens, token files, exec and
 * OIDC plugins); plain http servers (a local simulator, kubectl proxy) get the user's token only,
 * as kubectl sends it.
 */
export async function endpointOf(kc: KubeConfig): Promise<Endpoint> {
  const cluster = kc.getCurrentCluster()!;
  const server = new URL(cluster.server);
  if (server.protocol === 'http:') {
    const user = kc.getCurrentUser();
    return {
      server,
      tls: {},
      headers: async (): Promise<Record<string, string>> => {
        if (user?.token) return { Authorization: `Bearer ${user.token}` };
        if (user?.username) return { Authorization: `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}` };
        return {};
      },
    };
  }
  const probe: RequestOptions = {};
  await kc.applyToHTTPSOptions(probe);
  const tls: Endpoint['tls'] = { ca: probe.ca, cert: probe.cert, key: probe.key, pfx: probe.pfx, passphrase: probe.passphrase, servername: probe.servername };
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
  return {
    server,
    tls,
    headers: async () => {
      const o: RequestOptions = {};
      await kc.applyToHTTPSOptions(o);
      return Object.fromEntries(Object.entries((o.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
    },
  };
}

