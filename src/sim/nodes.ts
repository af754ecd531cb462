/**
 * The simulated cluster's Nodes. Like a managed cluster (GKE, EKS, AKS) the control plane has no
 * Node object, so scheduler messages count workers only ("0/3 nodes are available: ..."). CPU
 * workers are 8-core, 32 GiB machines; GPU workers carry 8 `nvidia.com/gpu` each, with the labels
 * NVIDIA's GPU feature discovery puts on a node and the taint GKE gives GPU node pools
 * (`nvidia.com/gpu=present:NoSchedule`), so only pods that tolerate it land there.
 */
import type { K8sObject } from '../core/object.js';

export interface NodeLayout {
  /** CPU workers (default 3). */
  cpuNodes: number;
  /** GPU workers with 8 nvidia.com/gpu each (default 0). */
  gpuNodes: number;
}

export interface SimNode {
  /** The Node as created (metadata and spec). */
  object: K8sObject;
  /** What the kubelet reports in status. */
  status: Record<string, unknown>;
}

interface Machine {
  instanceType: string;
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  labels: Record<string, string>;
  taints: Record<string, string>[];
}

const CPU_MACHINE: Machine = {
  instanceType: 'e2-standard-8',
  capacity: { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' },
  // What the kubelet keeps back for itself and the system, roughly as GKE reserves it.
  allocatable: { cpu: '7910m', memory: '29Gi', pods: '110', 'ephemeral-storage': '90Gi' },
  labels: {},
  taints: [],
};

const GPU_MACHINE: Machine = {
  instanceType: 'a3-highgpu-8g',
  capacity: { cpu: '208', memory: '1872Gi', pods: '110', 'ephemeral-storage': '500Gi', 'nvidia.com/gpu': '8' },
  allocatable: { cpu: '207410m', memory: '1800Gi', pods: '110', 'ephemeral-storage': '450Gi', 'nvidia.com/gpu': '8' },
  labels: {
    'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb',
    'nvidia.com/gpu.present': 'true',
    'nvidia.com/gpu.count': '8',
    'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3',
    'nvidia.com/gpu.memory': '81559',
    'nvidia.com/gpu.family': 'hopper',
  },
  taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }],
};

/** kind's naming: sim-worker, sim-worker2, ... */
function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i === 0 ? prefix : `${prefix}${i + 1}`));
}

export function clusterNodes(layout: NodeLayout): SimNode[] {
  const machines: [string, Machine][] = [
    ...names('sim-worker', layout.cpuNodes).map((n): [string, Machine] => [n, CPU_MACHINE]),
    ...names('sim-gpu-worker', layout.gpuNodes).map((n): [string, Machine] => [n, GPU_MACHINE]),
  ];
  return machines.map(([name, m], i) => ({
    object: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': m.instanceType,
          ...m.labels,
        },
      },
      spec: { podCIDR: podCidr(i), podCIDRs: [podCidr(i)], providerID: `sim://${name}`, ...(m.taints.length ? { taints: m.taints } : {}) },
    },
    status: {
      capacity: m.capacity,
      allocatable: m.allocatable,
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.0.0.${10 + i}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: { kubeletVersion: 'v1.35.0', containerRuntimeVersion: 'containerd://2.1.0', operatingSystem: 'linux', architecture: 'amd64', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0' },
    },
  }));
}

function podCidr(i: number): string {
  return `10.244.${i + 1}.0/24`;
}
