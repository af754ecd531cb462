/**
 * Runs controllers: delivers store events to them after the current request has finished (in
 * batches on the event loop, like informers), owns their timers so stop() cancels everything, and
 * isolates their failures from each other.
 */
import type { StoreEvent } from '../store.js';
import type { Controller, ControllerContext } from './types.js';

const BATCH = 500;

export class ControllerRunner {
  private readonly queue: StoreEvent[] = [];
  private scheduled = false;
  private stopped = false;
  private unsubscribe?: () => void;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly errors: unknown[] = [];

  constructor(
    private readonly controllers: Controller[],
    private readonly speed: () => number,
    private readonly onError: (controller: string, e: unknown) => void,
  ) {}

  /** Timer factory for contexts: scaled by speed, cancelled on stop. */
  after = (ms: number, fn: () => void): (() => void) => {
    if (this.stopped) return () => undefined;
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.stopped) return;
      try {
        fn();
      } catch (e) {
        this.onError('timer', e);
      }
    }, Math.max(0, ms / this.speed()));
    this.timers.add(t);
    return () => {
      clearTimeout(t);
      this.timers.delete(t);
    };
  };

  start(ctx: ControllerContext, subscribe: (l: (e: StoreEvent) => void) => () => void): void {
    for (const c of this.controllers) {
      try {
        c.start(ctx);
      } catch (e) {
        this.onError(c.name, e);
      }
    }
    this.unsubscribe = subscribe((e) => {
      this.queue.push(e);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    for (let n = 0; n < BATCH && this.queue.length && !this.stopped; n++) {
      const e = this.queue.shift()!;
      for (const c of this.controllers) {
        if (!c.onEvent) continue;
        try {
          c.onEvent(e);
        } catch (err) {
          this.errors.push(err);
          this.onError(c.name, err);
        }
      }
    }
    if (this.queue.length) this.schedule();
  }

  resync(): void {
    setImmediate(() => {
      for (const c of this.controllers) {
        try {
          c.resync?.();
        } catch (e) {
          this.onError(c.name, e);
        }
      }
    });
  }

  /** True when no event is waiting and no timer is pending (tests can wait for quiescence). */
  idle(): boolean {
    return this.queue.length === 0 && !this.scheduled;
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.controllers) {
      try {
        c.stop?.();
      } catch {
        // Stopping is best effort.
      }
    }
  }

  list(): Controller[] {
    return [...this.controllers];
  }
}
