import { compareStrings } from '../core/object.js';
import type { ReleaseExports, ReleaseLookup } from './types.js';

/** A lookup over a list of releases (what install reads from the cluster, or a test's fixtures). */
export function lookupOf(releases: readonly ReleaseExports[]): ReleaseLookup {
  const sorted = [...releases].sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.release, b.release));
  return {
    find: (release, namespace) => sorted.find((r) => r.release === release && r.namespace === namespace),
    ofChart: (chart) => sorted.filter((r) => r.chart === chart),
  };
}
