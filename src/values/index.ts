export { parseValuesYaml } from './yaml.js';
export { mergeMaps } from './merge.js';
export {
  parseInto,
  parseSet,
  typedValue,
  MAX_INDEX,
  MAX_NESTED_NAME_LEVEL,
  type ParseOptions,
  type SetKind,
  type ValuePath,
} from './strvals.js';
export { coalesceTablesOf, coalesceValues, type Coalesced } from './coalesce.js';
export { mergeValueOptions, type MergedValues, type ValueOptions } from './options.js';
