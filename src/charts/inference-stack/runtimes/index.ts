import { llamacpp } from './llamacpp.js';
import { ollama } from './ollama.js';
import type { ModelRuntime } from './runtime.js';
import { sglang } from './sglang.js';
import { vllm } from './vllm.js';

/**
 * Every model runtime, in the order values, docs and ServingRuntimes list them. A new runtime is a
 * new file in this directory and one entry here.
 */
export const RUNTIMES: readonly ModelRuntime[] = [vllm, llamacpp, ollama, sglang];

export function runtimeNamed(name: string): ModelRuntime {
  const runtime = RUNTIMES.find((r) => r.name === name);
  // The values schema only admits registered names, so this is a bug, not bad input.
  if (!runtime) throw new Error(`no model runtime named "${name}" is registered (runtimes/index.ts has ${RUNTIMES.map((r) => r.name).join(', ')})`);
  return runtime;
}

/** "vLLM, llama.cpp or SGLang": the runtimes that match, for messages and descriptions. */
export function runtimeList(match: (r: ModelRuntime) => boolean, key: 'name' | 'title' = 'name', conjunction = 'or'): string {
  const names = RUNTIMES.filter(match).map((r) => r[key]);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}` : (names[0] ?? 'none');
}
