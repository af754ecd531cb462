export type { ReadyState, Readiness, RelatedQuery, ReadinessRule } from './types.js';
export { evaluateReadiness, evaluateReadinessAsync, kindRuleFor, readinessRuleFor, readinessRules } from './registry.js';
export {
  SKIP_WAIT_ANNOTATION,
  WAIT_FOR_ANNOTATION,
  skipsWait,
  validateWaitAnnotations,
  waitForOf,
  type WaitFor,
} from './custom.js';
export { matchesLabels, matchesRelatedQuery, parseLabelSelector } from './related.js';
export { evaluateJsonPath, parseJsonPath, type JsonPath } from './jsonpath.js';
