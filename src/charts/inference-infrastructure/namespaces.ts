import { defineGroup } from '../../render/groups.js';
import type { InfraConfig } from './config.js';

/**
 * Namespaces this release shares with others (knative-serving, which the Knative Operator fills):
 * a foundation group of the chart rather than of one component, declared first.
 */
export const namespacesGroup = defineGroup<InfraConfig>({ name: 'namespaces', description: 'Namespaces shared with operators (knative-serving)' });
