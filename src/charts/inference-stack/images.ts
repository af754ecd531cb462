/**
 * Images the inference-stack chart renders, each pinned to a tag with evidence that it exists.
 * (The registrar reuses the infrastructure chart's LiteLLM image from ../images.ts: it only needs
 * python3, and nodes that run LiteLLM already have it.)
 */
export const stackImages = {
  /**
   * Official vLLM OpenAI server, the image KServe's vLLM runtime uses (kserve@v0.20.0:
   * config/runtimes/kserve-vllmserver.yaml, repository vllm/vllm-openai; its release manifest
   * install/v0.20.0/kserve-cluster-resources.yaml pins v0.20.0). v0.21.0 is the tag llm-d-router
   * v0.10.0 (2026-08-17) deploys in config/manifests/vllm/gpu-deployment.yaml; its CPU sibling
   * vllm/vllm-openai-cpu:v0.21.0 (which KServe substitutes when a model requests no GPU) is used
   * throughout the same release's test manifests.
   */
  vllm: { repository: 'docker.io/vllm/vllm-openai', tag: 'v0.21.0' },
  /**
   * llama.cpp server build b11151 (commit bd4f514db): CPU image recorded with digest
   * sha256:fffcc1af1105bafc713a47b6680fb7cf5856ed43ea2e9e8bca5a62bbd6365edf and the CUDA image
   * server-cuda-b11151 with digest sha256:014f721265464f38ccb247c1338d07d852c4bae7509a4b4734d07a2bbadc765c
   * in public deployments (2026-09). Same build for both, so LLAMA_ARG_* behave the same.
   */
  llamacpp: { repository: 'ghcr.io/ggml-org/llama.cpp', tag: 'server-b11151', gpuTag: 'server-cuda-b11151' },
  /** ollama/ollama: git tag v0.32.15 (release.yaml pushes the image without the "v"); ubuntu:24.04 base, no curl. */
  ollama: { repository: 'docker.io/ollama/ollama', tag: '0.32.15' },
  /**
   * SGLang's official image, the tag llm-d-router v0.10.0 (2026-08-17, the endpoint picker pinned
   * below) deploys in config/manifests/sglang/gpu-deployment.yaml ("lmsysorg/sglang:v0.5.12", with
   * python3 -m sglang.launch_server, --enable-metrics and /health_generate probes); pinned there by
   * llm-d-router PR #1579 (2026-06-16, "Pin :latest image tags": vllm/vllm-openai:v0.21.0 and
   * lmsysorg/sglang:v0.5.12), the same change that pinned the vLLM tag above. CUDA build only.
   */
  sglang: { repository: 'docker.io/lmsysorg/sglang', tag: 'v0.5.12' },
  /**
   * llm-d-router v0.10.0 (2026-08-17), the endpoint picker's home since GIE v1.6.0 moved it out
   * (GIE README). ci-release.yaml pushes ghcr.io/llm-d/<repo>-endpoint-picker:<git tag>.
   */
  endpointPicker: { repository: 'ghcr.io/llm-d/llm-d-router-endpoint-picker', tag: 'v0.10.0' },
} as const;
