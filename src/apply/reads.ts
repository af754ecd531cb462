import { groupOf, type K8sObject } from '../core/object.js';
import type { KubeClient, ObjectRef } from '../kube/types.js';
import { matchesRelatedQuery, type RelatedQuery } from '../wait/index.js';

/** Requests one poll keeps in flight at most: 200 models must not become 600 concurrent requests. */
export const POLL_CONCURRENCY = 8;
/** From this many reads of one kind in one namespace, a poll lists them once instead. */
const BATCH_FROM = 3;

class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

const scope = (apiVersion: string, kind: string, namespace?: string) => `${groupOf(apiVersion)}/${kind}/${namespace ?? ''}`;

function selectorText(sel: RelatedQuery['labelSelector']): string | undefined {
  if (sel === undefined) return undefined;
  if (typeof sel === 'string') return sel;
  return Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * The reads of one poll, deduplicated and bounded: the same query is sent once, many reads of one
 * kind in one namespace become one list filtered here, and at most POLL_CONCURRENCY requests run at
 * a time. A new poll starts from a fresh instance: nothing is cached across polls.
 */
export class PollReads {
  private readonly expected = new Map<string, number>();
  private readonly lists = new Map<string, Promise<K8sObject[]>>();
  private readonly limiter = new Limiter(POLL_CONCURRENCY);

  constructor(private readonly kube: KubeClient) {}

  /** Declares reads to come, so `get` and `related` know when one list is cheaper. */
  expect(apiVersion: string, kind: string, namespace?: string): void {
    const key = scope(apiVersion, kind, namespace);
    this.expected.set(key, (this.expected.get(key) ?? 0) + 1);
  }

  async get(ref: ObjectRef): Promise<K8sObject | undefined> {
    if ((this.expected.get(scope(ref.apiVersion, ref.kind, ref.namespace)) ?? 0) >= BATCH_FROM) {
      const all = await this.listAll(ref.apiVersion, ref.kind, ref.namespace);
      return all.find((o) => o.metadata.name === ref.name);
    }
    return this.limiter.run(() => this.kube.get(ref));
  }

  async related(q: RelatedQuery): Promise<K8sObject[]> {
    const many = (this.expected.get(scope(q.apiVersion, q.kind, q.namespace)) ?? 0) >= BATCH_FROM;
    if (many && q.fieldSelector === undefined) {
      const all = await this.listAll(q.apiVersion, q.kind, q.namespace);
      return all.filter((o) => matchesRelatedQuery(o, q));
    }
    const key = JSON.stringify([scope(q.apiVersion, q.kind, q.namespace), selectorText(q.labelSelector), q.fieldSelector]);
    let found = this.lists.get(key);
    if (!found) {
      found = this.limiter.run(() => this.kube.list({ apiVersion: q.apiVersion, kind: q.kind, namespace: q.namespace, labelSelector: selectorText(q.labelSelector), fieldSelector: q.fieldSelector }));
      this.lists.set(key, found);
    }
    const items = await found;
    return q.name ? items.filter((i) => i.metadata.name === q.name) : items;
  }

  private listAll(apiVersion: string, kind: string, namespace?: string): Promise<K8sObject[]> {
    const key = scope(apiVersion, kind, namespace);
    let found = this.lists.get(key);
    if (!found) {
      found = this.limiter.run(() => this.kube.list({ apiVersion, kind, namespace }));
      this.lists.set(key, found);
    }
    return found;
  }
}
