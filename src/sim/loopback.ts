/**
 * Pods whose container the simulator really runs (a fake LiteLLM admin API, ...) listen on
 * 127.0.0.1. This maps a pod's container port to that loopback port, so cluster DNS
 * (./cluster-dns.ts) can send a Service's traffic to the pods behind it, as kube-proxy would.
 */
export class LoopbackBackends {
  private readonly ports = new Map<string, Map<number, number>>();

  register(namespace: string, pod: string, containerPort: number, loopbackPort: number): void {
    const key = `${namespace}/${pod}`;
    const m = this.ports.get(key) ?? new Map<number, number>();
    m.set(containerPort, loopbackPort);
    this.ports.set(key, m);
  }

  unregister(namespace: string, pod: string): void {
    this.ports.delete(`${namespace}/${pod}`);
  }

  lookup(namespace: string, pod: string, containerPort: number): number | undefined {
    return this.ports.get(`${namespace}/${pod}`)?.get(containerPort);
  }
}
