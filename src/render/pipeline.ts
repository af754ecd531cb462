import { readFileSync } from 'node:fs';
import { mergeValueOptions, type MergedValues, type ValueOptions } from '../values/options.js';
import { assertNamespaceName, assertReleaseName } from './release.js';
import { renderWithValues, type RenderRequest, type RenderedRelease } from './render-core.js';

export * from './render-core.js';

export function emptyValueOptions(): ValueOptions {
  return { valueFiles: [], values: [], stringValues: [], fileValues: [], jsonValues: [], literalValues: [] };
}

function defaultReadFile(path: string): string {
  return readFileSync(path === '-' ? 0 : path, 'utf8');
}

/** The user's values from -f and --set*, with where each key came from. */
export function userValuesOf(req: Pick<RenderRequest, 'valueOptions' | 'readFile'>): MergedValues {
  return mergeValueOptions(req.valueOptions, { readFile: req.readFile ?? defaultReadFile });
}

/**
 * values -> validated values -> rendered objects in apply order. Pure: never talks to a cluster, and
 * the same input always gives the same output. Install and upgrade reuse it unchanged.
 */
export function renderRelease(req: RenderRequest): RenderedRelease {
  assertReleaseName(req.release);
  assertNamespaceName(req.namespace);
  const merged = userValuesOf(req);
  return renderWithValues(req, merged.values, merged.sourceOf);
}

