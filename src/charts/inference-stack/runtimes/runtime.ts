import { s, type AnyNode, type SchemaNode } from '../../../schema/dsl.js';
import type { ResolvedModel } from '../config.js';
import type { image as imageNode } from '../schema-parts.js';
import type { ModelValues } from '../values.js';

export type EnvVar = Record<string, unknown>;

/** Port every runtime container listens on (KServe's default, so Knative and raw Services agree). */
export const MODEL_PORT = 8080;

/** What every runtime has under `runtimes.<name>` (each adds its own settings). */
export interface RuntimeValues {
  enabled: boolean;
  image: { repository: string; tag: string; pullPolicy: string };
  resources: unknown;
  startupProbe: unknown;
  readinessProbe: unknown;
  livenessProbe: unknown;
}

/** Model keys that only some runtimes read (checked to be unset on the others). */
export type RuntimeOwnedField = 'modelTag' | 'modelFile';

export interface RuntimeCapabilities {
  /** Where the weights come from: KServe's storage initializer (storageUri), or the server pulls a tag itself. */
  weights: 'storageUri' | 'modelTag';
  /** GPUs per replica when the model says gpus: -1; `required` explains why zero is refused. */
  gpus: { default: number; required?: string };
  /** The server flag that shards a model over GPUs (given as flag=N), when it can. */
  tensorParallelFlag?: string;
  /** Serves LoRA adapters next to the base model (declared for the adapters feature; no values key yet). */
  lora: boolean;
  /** The llm-d endpoint picker reads this engine's metrics (its `llm-d.ai/engine-type`). */
  inferencePool?: { engineType: string };
  /** Prometheus path on the model port, announced to KServe; none when the server exports no metrics. */
  metricsPath?: string;
}

/** The process every model of the runtime shares: the ServingRuntime's container. */
export interface ServerProcess {
  command?: string[];
  args?: string[];
  env: Record<string, string>;
}

/** What one model adds: flags and env the runtime cannot know (served name, model file), or another image. */
export interface ModelProcess {
  args: string[];
  env: EnvVar[];
  image?: string;
}

/** A volume of the ServingRuntime, mounted into its container. */
export interface RuntimeVolume {
  name: string;
  mountPath: string;
  source: Record<string, unknown>;
}

/** Fails the render with the key path of the model entry and the source of the value. */
export type ModelFail = (key: keyof ModelValues & string, message: string) => never;

/**
 * A model server as data: one file per runtime (runtimes/<name>.ts), registered in runtimes/index.ts.
 * The chart renders a ServingRuntime `<release>-<name>` from it, each model's InferenceService, the
 * LiteLLM route and the per-model checks; `values` becomes `runtimes.<name>` in the chart's values.
 */
export interface ModelRuntime {
  /** `runtime: <name>` in models[], `runtimes.<name>` in values, ServingRuntime `<release>-<name>`. */
  readonly name: string;
  /** How people write it: "vLLM", "llama.cpp". */
  readonly title: string;
  /** KServe modelFormat: the ServingRuntime's supportedModelFormats and the InferenceService name the same one. */
  readonly modelFormat: string;
  readonly values: SchemaNode;
  readonly capabilities: RuntimeCapabilities;
  /** Model keys only this runtime reads, with what they mean there. */
  readonly ownFields: Partial<Record<RuntimeOwnedField, string>>;
  /** metadata.annotations of the ServingRuntime (KServe reads some). */
  readonly annotations?: Record<string, string>;
  readonly volumes: readonly RuntimeVolume[];
  server(values: RuntimeValues): ServerProcess;
  model(m: ResolvedModel, values: RuntimeValues): ModelProcess;
  /** LiteLLM `litellm_params.model` for the model: provider prefix and the name the server answers to. */
  litellmModel(m: ResolvedModel): string;
  /** Rules for a model entry beyond what the capabilities say. */
  validate?(m: ModelValues, fail: ModelFail): void;
}

/** A runtime's own view of its values type; `defineRuntime` checks it once against the shared shape. */
export interface RuntimeSpec<V extends RuntimeValues> extends Omit<ModelRuntime, 'server' | 'model'> {
  server(values: V): ServerProcess;
  model(m: ResolvedModel, values: V): ModelProcess;
}

export function defineRuntime<V extends RuntimeValues>(spec: RuntimeSpec<V>): ModelRuntime {
  // The values of runtimes.<name> are validated against spec.values before any render, so they are V.
  return { ...spec, server: (values) => spec.server(values as V), model: (m, values) => spec.model(m, values as V) };
}

/**
 * The schema of `runtimes.<name>`: enabled, image, the runtime's own settings, resources and the
 * three probes, in that order (the order `show values` prints).
 */
export function runtimeValues<S extends Record<string, SchemaNode>>(o: {
  enabled: string;
  image: ReturnType<typeof imageNode>;
  settings: S;
  resources: AnyNode;
  startupProbe: AnyNode;
  readinessProbe: AnyNode;
  livenessProbe: AnyNode;
}) {
  return s.object({
    enabled: s.bool({ description: o.enabled, default: true }),
    image: o.image,
    ...o.settings,
    resources: o.resources,
    startupProbe: o.startupProbe,
    readinessProbe: o.readinessProbe,
    livenessProbe: o.livenessProbe,
  });
}
