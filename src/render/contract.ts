import { UserError } from '../core/errors.js';
import type { ReleaseExports } from './types.js';

/**
 * What a release publishes for other releases (its `exports`), as a versioned contract: the chart
 * writes it through `write`, the releases that depend on it read it through `read`, which checks it
 * and names the release and the key when something is wrong. Records keep exports as flat strings
 * (data that outlives any one inferctl), with the contract id under `contract`.
 */
export interface ExportField {
  description: string;
  required?: boolean;
  pattern?: RegExp;
  /** What a valid value looks like, for the error message. */
  expected?: string;
}

type Fields = Record<string, ExportField>;
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K] extends { required: true } ? K : never }[keyof F];

/** The typed exports of a contract: required keys are strings, the others optional strings. */
export type ExportsOf<F extends Fields> = { [K in RequiredKeys<F>]: string } & { [K in Exclude<keyof F, RequiredKeys<F>>]?: string };

export const CONTRACT_KEY = 'contract';

export interface ExportContract<F extends Fields> {
  readonly chart: string;
  readonly version: number;
  /** "inference-infrastructure/v1" */
  readonly id: string;
  readonly fields: F;
  write(values: ExportsOf<F>): Record<string, string>;
  read(release: ReleaseExports): ExportsOf<F>;
}

export function defineContract<F extends Fields>(chart: string, version: number, fields: F): ExportContract<F> {
  const id = `${chart}/v${version}`;
  return {
    chart,
    version,
    id,
    fields,
    write(values) {
      const out: Record<string, string> = { [CONTRACT_KEY]: id };
      for (const [key, value] of Object.entries(values as Record<string, string | undefined>)) {
        if (!(key in fields)) throw new Error(`${id} has no export "${key}"; add it to the contract first`);
        if (value !== undefined) out[key] = value;
      }
      return out;
    },
    read(release) {
      const bad = (what: string) =>
        new UserError(
          `release "${release.release}" in namespace "${release.namespace}" (${release.chart}) publishes exports this inferctl cannot use: ${what}. ` +
            `Upgrade that release with this inferctl (npx inferctl upgrade ${release.release} ${chart} -n ${release.namespace} --reuse-values) so it writes them again.`,
        );
      if (release.chart !== chart) throw bad(`it is a release of chart ${release.chart}, not ${chart}`);
      const exports = release.exports as Record<string, unknown>;
      const declared = exports[CONTRACT_KEY];
      // Records written before exports had a contract carry the same keys as version 1.
      if (declared !== undefined) {
        const m = typeof declared === 'string' ? /^(.+)\/v(\d+)$/.exec(declared) : null;
        if (!m || m[1] !== chart) throw bad(`its contract is ${JSON.stringify(declared)}, expected ${id}`);
        if (Number(m[2]) > version) throw bad(`they follow contract ${declared}, newer than the ${id} this inferctl reads; upgrade inferctl`);
      }
      const out: Record<string, string> = {};
      for (const [key, field] of Object.entries(fields)) {
        const value = exports[key];
        if (value === undefined) {
          if (field.required) throw bad(`key ${key} (${field.description}) is missing`);
          continue;
        }
        if (typeof value !== 'string') throw bad(`key ${key} is ${JSON.stringify(value)}, not a string`);
        if (field.pattern && !field.pattern.test(value)) throw bad(`key ${key} is ${JSON.stringify(value)}, expected ${field.expected ?? `a value matching ${field.pattern}`}`);
        out[key] = value;
      }
      return out as ExportsOf<F>;
    },
  };
}
