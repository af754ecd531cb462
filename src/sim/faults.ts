/**
 * Faults an API server or the network in front of it produces, injected per request: 429 with a
 * Retry-After (API Priority and Fairness rejecting), 500 before or after the request took effect
 * (an etcd timeout can come after the write), connection resets before or after, requests that
 * never answer, and latency. Rates are fractions of requests; `hang` is a count (the next N requests
 * hang). A seed makes a run repeatable.
 *
 *   k8s-sim --faults 429=5%,500=5%,reset=1%,hang=1,latency=20ms,seed=7
 *   sim.faults.set({ rate429: 0.05, hang: 1 })
 */

export interface FaultSpec {
  rate429?: number;
  /** 500 before the request is processed. */
  rate500?: number;
  /** 500 after the request was processed: the write happened, the client cannot tell. */
  rate500After?: number;
  rateReset?: number;
  rateResetAfter?: number;
  /** This many requests (from now) never answer. */
  hang?: number;
  latencyMs?: number;
  /** Retry-After seconds sent with 429 (default 1). */
  retryAfterSeconds?: number;
  seed?: number;
  /** Paths (regex source) that are never faulted, e.g. discovery. */
  spare?: string;
}

export type Fault = 'none' | '429' | '500' | '500-after' | 'reset' | 'reset-after' | 'hang';

export interface FaultStats {
  requests: number;
  injected: Record<Exclude<Fault, 'none'>, number>;
}

/** mulberry32: small, fast, good enough to spread faults over a run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private spec: FaultSpec = {};
  private next: () => number = random(1);
  private hangsLeft = 0;
  private spare?: RegExp;
  private readonly counts: FaultStats = { requests: 0, injected: { '429': 0, '500': 0, '500-after': 0, reset: 0, 'reset-after': 0, hang: 0 } };

  set(spec: FaultSpec): void {
    this.spec = { ...spec };
    this.next = random(spec.seed ?? Date.now());
    this.hangsLeft = spec.hang ?? 0;
    this.spare = spec.spare ? new RegExp(spec.spare) : undefined;
  }

  clear(): void {
    this.set({});
  }

  get active(): boolean {
    const s = this.spec;
    return !!(s.rate429 || s.rate500 || s.rate500After || s.rateReset || s.rateResetAfter || this.hangsLeft || s.latencyMs);
  }

  get latencyMs(): number {
    return this.spec.latencyMs ?? 0;
  }

  get retryAfterSeconds(): number {
    return this.spec.retryAfterSeconds ?? 1;
  }

  stats(): FaultStats {
    return structuredClone(this.counts);
  }

  /** The fault for one request; every request draws once, so a seed replays the same run. */
  decide(path: string): Fault {
    this.counts.requests++;
    if (!this.active || this.spare?.test(path)) return 'none';
    if (this.hangsLeft > 0) {
      this.hangsLeft--;
      return this.count('hang');
    }
    const s = this.spec;
    let r = this.next();
    for (const [rate, fault] of [[s.rate429, '429'], [s.rate500, '500'], [s.rate500After, '500-after'], [s.rateReset, 'reset'], [s.rateResetAfter, 'reset-after']] as const) {
      if (!rate) continue;
      if (r < rate) return this.count(fault);
      r -= rate;
    }
    return 'none';
  }

  private count(fault: Exclude<Fault, 'none'>): Fault {
    this.counts.injected[fault]++;
    return fault;
  }
}

/** "429=5%,500=5%,500after=1%,reset=1%,resetafter=1%,hang=1,latency=20ms,retryafter=2,seed=7" */
export function parseFaults(text: string): FaultSpec {
  const spec: FaultSpec = {};
  const rate = (v: string, key: string): number => {
    const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(v);
    if (!m) throw new Error(`--faults ${key}=${v}: write a rate as 5% or 0.05`);
    const n = Number(m[1]) / (m[2] ? 100 : 1);
    if (n < 0 || n > 1) throw new Error(`--faults ${key}=${v}: a rate is between 0% and 100%`);
    return n;
  };
  const count = (v: string, key: string): number => {
    if (!/^\d+$/.test(v)) throw new Error(`--faults ${key}=${v}: expected a whole number`);
    return Number(v);
  };
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, value = ''] = part.split('=');
    switch (key) {
      case '429': spec.rate429 = rate(value, key); break;
      case '500': spec.rate500 = rate(value, key); break;
      case '500after': spec.rate500After = rate(value, key); break;
      case 'reset': spec.rateReset = rate(value, key); break;
      case 'resetafter': spec.rateResetAfter = rate(value, key); break;
      case 'hang': spec.hang = count(value, key); break;
      case 'latency': spec.latencyMs = count(value.replace(/ms$/, ''), key); break;
      case 'retryafter': spec.retryAfterSeconds = count(value, key); break;
      case 'seed': spec.seed = count(value, key); break;
      default:
        throw new Error(`--faults: unknown fault "${key}"; use 429, 500, 500after, reset, resetafter, hang, latency, retryafter, seed`);
    }
  }
  const total = (spec.rate429 ?? 0) + (spec.rate500 ?? 0) + (spec.rate500After ?? 0) + (spec.rateReset ?? 0) + (spec.rateResetAfter ?? 0);
  if (total > 1) throw new Error('--faults: the rates add up to more than 100%');
  return spec;
}
