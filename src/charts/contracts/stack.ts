import { defineContract, type ExportsOf } from '../../render/contract.js';

/** What an inference-stack release publishes: its models and the infrastructure it routes through. */
export const stackContract = defineContract('inference-stack', 1, {
  namespace: { description: 'namespace of the release', required: true },
  models: { description: 'served model names, comma-separated (empty: none)', required: true },
  infrastructureRelease: { description: 'the inference-infrastructure release routing to the models' },
  infrastructureNamespace: { description: 'its namespace' },
  operators: { description: 'which operators release the stack used' },
});

export type StackExports = ExportsOf<typeof stackContract.fields>;
