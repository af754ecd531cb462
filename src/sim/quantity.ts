/**
 * Resource quantities ("250m", "1.5", "512Mi", "1e3") as numbers of base units, for the scheduler
 * and the kubelet's admission. Cores and bytes fit a double exactly at these sizes.
 */

const SCALE: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** Undefined for text that is not a quantity (validation rejects those before they get here). */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  return n * SCALE[m[3] ?? ''];
}

/** How the kubelet prints amounts in its rejections: millicores for cpu, whole units otherwise. */
export function kubeletUnits(resource: string, amount: number): number {
  return resource === 'cpu' ? Math.round(amount * 1000) : Math.round(amount);
}
