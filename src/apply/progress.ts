/** What the engine reports while it works; a TTY tree and plain CI lines both render these. */
export type ProgressEvent =
  | { type: 'group-start'; group: string; description: string }
  | { type: 'gate-wait'; group: string; message: string }
  | { type: 'applied'; group: string; object: string; action: 'created' | 'configured' | 'unchanged' | 'replaced' | 'dry-run' | 'shared' }
  | { type: 'waiting'; group: string; object: string; message: string }
  | { type: 'ready'; group: string; object: string; elapsedMs: number }
  | { type: 'group-done'; group: string; elapsedMs: number }
  | { type: 'pruned'; object: string }
  | { type: 'kept'; object: string; reason: string }
  | { type: 'deleted'; object: string }
  | { type: 'info'; message: string };

export interface ProgressSink {
  emit(event: ProgressEvent): void;
  close(): void;
}

export const silentProgress: ProgressSink = { emit() {}, close() {} };

/**
 * One line per event that matters, for CI logs and pipes (no TTY). With `debug`, every event,
 * repeated waits included, each prefixed with the seconds since the start.
 */
export class PlainProgress implements ProgressSink {
  private lastWaiting = new Map<string, string>();
  private readonly started = Date.now();
  constructor(
    private readonly out: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
    private readonly debug = false,
  ) {}

  private write(line: string): void {
    this.out(this.debug ? `[${((Date.now() - this.started) / 1000).toFixed(1).padStart(6)}s] ${line}` : line);
  }

  emit(e: ProgressEvent): void {
    switch (e.type) {
      case 'group-start':
        this.write(`==> ${e.group}: ${e.description}`);
        break;
      case 'gate-wait':
        this.write(`    ${e.group}: waiting: ${e.message}`);
        break;
      case 'applied':
        this.write(`    ${e.object} ${e.action}`);
        break;
      case 'waiting':
        // Only when the reason changes, so a long wait is a few lines, not hundreds.
        if (this.debug || this.lastWaiting.get(e.object) !== e.message) this.write(`    ${e.object}: ${e.message}`);
        this.lastWaiting.set(e.object, e.message);
        break;
      case 'ready':
        this.write(`    ${e.object} ready (${(e.elapsedMs / 1000).toFixed(1)}s)`);
        break;
      case 'group-done':
        this.write(`<== ${e.group} ready (${(e.elapsedMs / 1000).toFixed(1)}s)`);
        break;
      case 'pruned':
        this.write(`    ${e.object} pruned`);
        break;
      case 'kept':
        this.write(`    ${e.object} kept: ${e.reason}`);
        break;
      case 'deleted':
        this.write(`    ${e.object} deleted`);
        break;
      case 'info':
        this.write(e.message);
        break;
    }
  }

  close(): void {}
}

interface GroupState {
  name: string;
  start: number;
  done?: number;
  objects: Map<string, { status: string; start: number; ready?: number }>;
  note?: string;
}

/** A live tree of groups and objects with elapsed times, redrawn in place on a terminal. */
export class TreeProgress implements ProgressSink {
  private groups = new Map<string, GroupState>();
  private lines = 0;
  private timer: NodeJS.Timeout;
  private log: string[] = [];

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  emit(e: ProgressEvent): void {
    const now = Date.now();
    const group = (name: string) => {
      let g = this.groups.get(name);
      if (!g) this.groups.set(name, (g = { name, start: now, objects: new Map() }));
      return g;
    };
    switch (e.type) {
      case 'group-start':
        group(e.group);
        break;
      case 'gate-wait':
        group(e.group).note = e.message;
        break;
      case 'applied':
        group(e.group).objects.set(e.object, { status: e.action, start: now });
        break;
      case 'waiting': {
        const o = group(e.group).objects.get(e.object);
        if (o) o.status = e.message;
        break;
      }
      case 'ready': {
        const o = group(e.group).objects.get(e.object);
        if (o) Object.assign(o, { status: 'ready', ready: now });
        break;
      }
      case 'group-done':
        Object.assign(group(e.group), { done: now, note: undefined });
        break;
      default:
        this.log.push(e.type === 'info' ? e.message : `${e.object} ${e.type}${'reason' in e ? `: ${e.reason}` : ''}`);
    }
  }

  private closed = false;

  private draw(): void {
    // After close, whatever the command prints (its summary, the error) must never be drawn over.
    if (this.closed) return;
    const now = Date.now();
    const secs = (ms: number) => `${(ms / 1000).toFixed(0)}s`;
    const width = this.out.columns ?? 120;
    const rows: string[] = [...this.log];
    for (const g of this.groups.values()) {
      rows.push(`${g.done ? '✔' : '…'} ${g.name} ${secs((g.done ?? now) - g.start)}${g.note ? `  ${g.note}` : ''}`);
      if (g.done) continue;
      for (const [name, o] of g.objects) rows.push(`   ${o.ready ? '✔' : '·'} ${name} ${secs((o.ready ?? now) - o.start)}  ${o.ready ? '' : o.status}`);
    }
    const text = rows.map((r) => (r.length > width - 1 ? r.slice(0, width - 2) + '…' : r));
    this.out.write(`${this.lines ? `\x1b[${this.lines}A` : ''}\x1b[0J${text.join('\n')}\n`);
    this.lines = text.length;
  }

  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.draw();
    this.closed = true;
  }
}
