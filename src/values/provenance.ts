import { hasKey, isMap, type ValueMap } from './util.js';
import type { ValuePath } from './strvals.js';

interface Node {
  source?: string;
  children: Map<string, Node>;
}

/**
 * Remembers which source last wrote each part of the user values. Every value a source writes
 * gets its own node, so a later source that only adds to a map or list (and so becomes that
 * container's latest writer) does not take credit for the entries it left alone. A source that
 * replaces a value forgets what was recorded beneath it. Lookups answer with the deepest recorded
 * node on the path, so a path below any written value still finds its source.
 */
export class Provenance {
  private readonly root: Node = { children: new Map() };

  record(path: ValuePath, source: string, replaced: boolean): void {
    let node = this.root;
    for (const seg of path) {
      const key = String(seg);
      let child = node.children.get(key);
      if (!child) {
        child = { children: new Map() };
        node.children.set(key, child);
      }
      node = child;
    }
    node.source = source;
    if (replaced) node.children.clear();
  }

  /** Records `value` and everything inside it as written by `source`. */
  recordTree(path: ValuePath, value: unknown, source: string): void {
    this.record(path, source, true);
    let node = this.root;
    for (const seg of path) node = node.children.get(String(seg))!;
    this.fill(node, value, source);
  }

  /** Below a node just recorded (and cleared): one node per entry, all written by `source`. */
  private fill(node: Node, value: unknown, source: string): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const child: Node = { source, children: new Map() };
        node.children.set(String(i), child);
        this.fill(child, value[i], source);
      }
    } else if (isMap(value)) {
      for (const key of Object.keys(value)) {
        const child: Node = { source, children: new Map() };
        node.children.set(key, child);
        this.fill(child, value[key], source);
      }
    }
  }

  /** Records a mergeMaps(base, incoming) before it happens, mirroring which keys merge. */
  recordMerge(path: ValuePath, base: ValueMap, incoming: ValueMap, source: string): void {
    for (const key of Object.keys(incoming)) {
      const here = [...path, key];
      const before = hasKey(base, key) ? base[key] : undefined;
      const after = incoming[key];
      if (isMap(after) && isMap(before)) {
        this.record(here, source, false);
        this.recordMerge(here, before, after, source);
      } else {
        this.recordTree(here, after, source);
      }
    }
  }

  sourceOf(path: ValuePath): string | undefined {
    let node: Node | undefined = this.root;
    let found: string | undefined;
    for (const seg of path) {
      node = node.children.get(String(seg));
      if (!node) break;
      if (node.source !== undefined) found = node.source;
    }
    return found;
  }
}
