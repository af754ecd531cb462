/**
 * structured-merge-diff's field paths, as server-side apply errors print them: ".spec.replicaz",
 * list items by their keys (`.spec.containers[name="web"].imagez`), set items by value
 * (`[="a"]`), atomic list items by index.
 */
import type { Nav } from './schema-nav.js';
import { isObj } from './util.js';

/** Converts a decoder path ("spec.containers[0].imagez") by walking the object it came from. */
export function smdPath(path: string, root: unknown, nav: Nav): string {
  let out = '';
  let cur: unknown = root;
  let here = nav;
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[1] !== undefined) {
      out += `.${m[1]}`;
      cur = isObj(cur) ? cur[m[1]] : undefined;
      here = here.field(m[1]);
      continue;
    }
    const i = Number(m[2]);
    const info = here.listInfo();
    const item = Array.isArray(cur) ? cur[i] : undefined;
    if (info.type === 'map' && isObj(item)) out += `[${[...info.keys].sort().map((k) => `${k}=${JSON.stringify(item[k] ?? info.keyDefaults[k])}`).join(',')}]`;
    else if (info.type === 'set') out += `[=${JSON.stringify(item)}]`;
    else out += `[${i}]`;
    cur = item;
    here = here.item();
  }
  return out;
}
