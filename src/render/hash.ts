import { createHash } from 'node:crypto';

/** Short content hash for pod-template annotations, so a config change rolls the pods. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(typeof value === 'string' ? value : JSON.stringify(value)).digest('hex').slice(0, 16);
}
