#!/usr/bin/env node
// The Kubernetes API simulator as a command: `k8s-sim --port 8080 --kubeconfig ./sim.kubeconfig`.
const { main } = await import(new URL('../dist/src/sim/standalone.js', import.meta.url).href);
await main();
