import { UserError } from '../../core/errors.js';
import { contentHash } from '../../render/hash.js';
import type { ChartInfo, ReleaseLookup } from '../../render/types.js';
import type { KeyPath } from '../../schema/validate.js';
import { operatorsView, type OperatorRef, type OperatorsView } from '../contracts/operators.js';
import { discoverInfrastructure, type Infrastructure } from './discovery.js';
import { checkPoolGateway, missingGateway, poolRoute, type PoolRoute } from './routing.js';
import { RUNTIMES, runtimeList, runtimeNamed } from './runtimes/index.js';
import type { ModelFail, ModelRuntime, RuntimeOwnedField } from './runtimes/runtime.js';
import type { ModelValues, StackValues } from './values.js';

/** Values resolved for one release: names computed once, cross-field rules checked once. */
export interface StackConfig {
  release: string;
  namespace: string;
  chart: ChartInfo;
  values: StackValues;
  /** Undefined when registrar.enabled=false (nothing needs LiteLLM). */
  infrastructure?: Infrastructure;
  models: ResolvedModel[];
  /** ServingRuntime name of each runtime: <release>-<runtime>. */
  runtimeNames: Record<string, string>;
  /** "<namespace>/<release>": marks this release's models in LiteLLM. */
  owner: string;
  operators: OperatorsView;
  /** The KServe controller, whose webhook admits runtimes and InferenceServices. */
  kserveController: OperatorRef;
  /** Envoy AI Gateway's controller, which makes the model gateway route to InferencePools. */
  aiGatewayController: OperatorRef;
}

/** Where Envoy AI Gateway runs (the operators chart's envoyAIGateway), when no operators release says otherwise. */
export const AI_GATEWAY_CONTROLLER = { namespace: 'envoy-ai-gateway-system', name: 'ai-gateway-controller' };

/** Where the operators chart runs KServe (crds.md 4.5), when no operators release says otherwise. */
export const KSERVE_CONTROLLER = { namespace: 'kserve', name: 'kserve-controller-manager' };

export interface ResolvedModel {
  values: ModelValues;
  index: number;
  name: string;
  runtime: ModelRuntime;
  /** InferenceService name: <release>-<name>. */
  isvc: string;
  /** Service KServe (raw) or Knative (route placeholder) creates: <isvc>-predictor. */
  predictor: string;
  servedModelName: string;
  gpus: number;
  tensorParallelSize: number;
  minReplicas: number;
  knative: boolean;
  /** OpenAI-compatible base URL inside the cluster: the model gateway's route to the pool, or the predictor Service. */
  apiBase: string;
  /** LiteLLM model_info.id: stable, so a re-run updates instead of duplicating. */
  litellmId: string;
  /** The InferencePool, its endpoint picker, and the HTTPRoute on the model gateway that LiteLLM calls. */
  pool?: { name: string; epp: string; route: string; pathPrefix: string; gateway: PoolRoute['gateway'] };
}

// Knative derives <isvc>-predictor-00001-private (a Service name, at most 63 characters).
const KNATIVE_SUFFIX = '-predictor-00001-private';
const RAW_SUFFIX = '-predictor';

function fail(path: KeyPath, sourceOf: (p: KeyPath) => string | undefined, message: string): never {
  const shown = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');
  const src = sourceOf(path);
  throw new UserError(`key ${shown}${src ? ` (from ${src})` : ''}: ${message}`);
}

/** A DNS label of at most `max` characters: long names keep their start and get a hash for uniqueness. */
export function boundedName(text: string, max = 63): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 7).replace(/-+$/, '')}-${contentHash(text).slice(0, 6)}`;
}

export function resolveConfig(
  release: string,
  namespace: string,
  values: StackValues,
  chart: ChartInfo,
  sourceOf: (path: KeyPath) => string | undefined,
  lookup: ReleaseLookup | undefined,
  isUserSet: (path: KeyPath) => boolean = () => false,
): StackConfig {
  const infrastructure = values.registrar.enabled ? discoverInfrastructure(values, namespace, lookup) : undefined;
  const route = poolRoute(values, namespace, infrastructure);
  const runtimeNames = Object.fromEntries(RUNTIMES.map((r) => [r.name, `${release}-${r.name}`]));
  const seen = new Map<string, number>();
  const models = values.models.map((m, index) => {
    const first = seen.get(m.name);
    if (first !== undefined) {
      fail(['models', index, 'name'], sourceOf, `model name "${m.name}" is already used by models[${first}]; every model needs its own name (it names the InferenceService ${release}-${m.name}).`);
    }
    seen.set(m.name, index);
    return resolveModel(m, index, release, namespace, sourceOf, isUserSet, route);
  });
  for (const m of models) {
    if (!values.runtimes[m.runtime.name].enabled) {
      fail(['models', m.index, 'runtime'], sourceOf, `model "${m.name}" uses runtime ${m.runtime.name}, but runtimes.${m.runtime.name}.enabled is false: enable the runtime or pick another one.`);
    }
    if (m.knative && infrastructure?.source === 'record' && !infrastructure.knativeNamespace) {
      fail(['models', m.index, 'deploymentMode'], sourceOf, `model "${m.name}" uses deploymentMode Knative, but infrastructure release "${infrastructure.release}" runs without Knative/Kourier (networking-layer.kourier.enabled=false there): set deploymentMode: Standard or enable Kourier in the infrastructure release.`);
    }
  }
  const operators = operatorsView(lookup);
  const kserveController = operators.deployment('kserveControllerDeployment', KSERVE_CONTROLLER, "KServe controller (its webhook admits runtimes and InferenceServices)");
  const aiGatewayController = operators.deployment('envoyAiGatewayDeployment', AI_GATEWAY_CONTROLLER, 'Envoy AI Gateway controller (Envoy Gateway routes to InferencePools through it)');
  checkPoolGateway(operators, models.filter((m) => m.pool), (path, message) => fail(path, sourceOf, message));
  return { release, namespace, chart, values, infrastructure, models, runtimeNames, owner: `${namespace}/${release}`, operators, kserveController, aiGatewayController };
}

function resolveModel(
  m: ModelValues,
  index: number,
  release: string,
  namespace: string,
  sourceOf: (path: KeyPath) => string | undefined,
  isUserSet: (path: KeyPath) => boolean,
  route: PoolRoute | { missing: string },
): ResolvedModel {
  const at = (key: string): KeyPath => ['models', index, key];
  const modelFail: ModelFail = (key, message) => fail(at(key), sourceOf, message);
  const runtime = runtimeNamed(m.runtime);
  const { title, capabilities } = runtime;
  const knative = m.deploymentMode === 'Knative';
  const isvc = `${release}-${m.name}`;
  const suffix = knative ? KNATIVE_SUFFIX : RAW_SUFFIX;
  if (isvc.length + suffix.length > 63) {
    fail(at('name'), sourceOf, `the InferenceService name "${isvc}" (release + "-" + model name) is ${isvc.length} characters, but ${knative ? 'Knative' : 'KServe'} derives "${isvc}${suffix}", which must fit in 63: shorten the model name to ${63 - suffix.length - release.length - 1} characters or use a shorter release name.`);
  }

  if (capabilities.weights === 'storageUri' && !m.storageUri) {
    fail(at('storageUri'), sourceOf, `model "${m.name}" (runtime ${runtime.name}) needs storageUri: hf://<org>/<repo>, s3://<bucket>/<path> or pvc://<claim>/<dir>.`);
  }
  for (const field of ['modelTag', 'modelFile'] as RuntimeOwnedField[]) {
    if (m[field] && !(field in runtime.ownFields)) {
      const owners = RUNTIMES.filter((r) => field in r.ownFields);
      fail(at(field), sourceOf, `${field} is for ${runtimeList((r) => owners.includes(r), 'title')} models (${owners.map((r) => r.ownFields[field]).join('; ')}); model "${m.name}" runs on ${title}${capabilities.weights === 'storageUri' ? ' and loads storageUri' : ''}.`);
    }
  }
  runtime.validate?.(m, modelFail);
  if (m.storageUri.startsWith('hf://') && !/^hf:\/\/[^/:]+\/[^/:]+(:[^/:]+)?$/.test(m.storageUri)) {
    fail(at('storageUri'), sourceOf, `"${m.storageUri}" is not a Hugging Face repository: KServe's storage initializer accepts exactly hf://<owner>/<repo>[:<revision>] and downloads the whole repository.`);
  }
  if (m.storageUri.startsWith('pvc://') && !/^pvc:\/\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(\/|$)/.test(m.storageUri)) {
    fail(at('storageUri'), sourceOf, `"${m.storageUri}" does not start with a PersistentVolumeClaim name: use pvc://<claim>/<dir>.`);
  }

  const gpus = m.gpus >= 0 ? m.gpus : capabilities.gpus.default;
  if (gpus === 0 && capabilities.gpus.required) fail(at('gpus'), sourceOf, `model "${m.name}" runs on ${title}, which needs a GPU: ${capabilities.gpus.required}. Set gpus >= 1, or use a runtime that runs on CPUs (${runtimeList((r) => !r.capabilities.gpus.required)}).`);
  const tensorParallelSize = m.tensorParallelSize || Math.max(gpus, 1);
  if (!capabilities.tensorParallelFlag && m.tensorParallelSize) {
    fail(at('tensorParallelSize'), sourceOf, `tensorParallelSize is a setting of ${runtimeList((r) => !!r.capabilities.tensorParallelFlag, 'title')}; model "${m.name}" runs on ${title}.`);
  }
  if (capabilities.tensorParallelFlag && gpus > 0 && tensorParallelSize > gpus) {
    fail(at('tensorParallelSize'), sourceOf, `model "${m.name}" asks for tensor parallelism over ${tensorParallelSize} GPUs but gets ${gpus} (gpus): ${title} needs one GPU per shard. Raise gpus or lower tensorParallelSize.`);
  }
  const minReplicas = m.minReplicas >= 0 ? m.minReplicas : knative ? 0 : 1;
  if (!knative && minReplicas === 0) {
    fail(at('minReplicas'), sourceOf, `model "${m.name}" uses deploymentMode Standard, which cannot scale to zero (no activator holds requests): set minReplicas >= 1, or use deploymentMode Knative.`);
  }
  if (minReplicas > m.maxReplicas) fail(at('maxReplicas'), sourceOf, `maxReplicas (${m.maxReplicas}) is below minReplicas (${minReplicas}) for model "${m.name}".`);

  // On by default, but only where it can work; asking for it explicitly where it cannot is an error.
  let pool: ResolvedModel['pool'];
  const explicit = isUserSet(['models', index, 'inferencePool', 'enabled']);
  if (m.inferencePool.enabled && !capabilities.inferencePool && explicit) {
    fail(at('inferencePool'), sourceOf, `inferencePool needs runtime ${runtimeList((r) => !!r.capabilities.inferencePool)}: the endpoint picker scores pods by their engine's metrics (queue length, KV-cache use), which ${title} does not export. Disable inferencePool for model "${m.name}".`);
  }
  if (m.inferencePool.enabled && knative && explicit) {
    fail(at('inferencePool'), sourceOf, `inferencePool needs deploymentMode Standard: the endpoint picker sends requests straight to pod IPs, bypassing Knative's activator, so a model scaled to zero would never wake up. Set deploymentMode: Standard for model "${m.name}".`);
  }
  if (m.inferencePool.enabled && capabilities.inferencePool && !knative) {
    if ('missing' in route) missingGateway(route.missing, { name: m.name, index }, (path, message) => fail(path, sourceOf, message));
    pool = { name: `${isvc}-pool`, epp: `${isvc}-epp`, route: `${isvc}-route`, pathPrefix: `/${namespace}/${isvc}`, gateway: route.gateway };
  }

  const predictor = `${isvc}-predictor`;
  return {
    values: m,
    index,
    name: m.name,
    runtime,
    isvc,
    predictor,
    servedModelName: m.servedModelName || m.name,
    gpus,
    tensorParallelSize,
    minReplicas,
    knative,
    // Pooled: the model gateway's route, which strips the prefix and asks the endpoint picker for a pod.
    // Standard: KServe's Service <isvc>-predictor, port 80 -> 8080. Knative: the route's placeholder
    // Service of the same name points at Kourier, which routes by this Host and wakes scaled-to-zero pods.
    apiBase: pool && !('missing' in route) ? `${route.url}${pool.pathPrefix}/v1` : `http://${predictor}.${namespace}.svc.cluster.local/v1`,
    litellmId: `inferctl-${namespace}-${release}-${m.name}`,
    pool,
  };
}
