import { UserError } from '../core/errors.js';

const SUFFIX: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60, m: 1e-3,
};

/** A Kubernetes quantity ("512Mi", "1G", "250m") as a number of base units. */
export function parseQuantity(quantity: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/.exec(quantity.trim());
  if (!match) throw new UserError(`${JSON.stringify(quantity)} is not a Kubernetes quantity; write it like 512Mi, 1Gi or 250m.`);
  return Number(match[1]) * SUFFIX[match[2] ?? ''];
}
