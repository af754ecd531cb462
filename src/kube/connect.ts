import { endpointOf, loadKubeConfig, type ConnectOptions } from './kubeconfig.js';
import { RestKube } from './rest.js';
import { DEFAULT_RETRY, Transport, type RetryPolicy } from './transport.js';

export type { ConnectOptions } from './kubeconfig.js';
export { loadKubeConfig } from './kubeconfig.js';

/** The cluster of a kubeconfig context, as a KubeClient whose requests stop when `signal` fires. */
export async function connectKube(opts: ConnectOptions & { signal?: AbortSignal; retry?: Partial<RetryPolicy> } = {}): Promise<RestKube> {
  const kc = loadKubeConfig(opts);
  const endpoint = await endpointOf(kc);
  const transport = new Transport(endpoint, { ...DEFAULT_RETRY, ...opts.retry });
  return new RestKube(transport, `context ${kc.getCurrentContext()} (${endpoint.server.href.replace(/\/$/, '')})`, opts.signal);
}
