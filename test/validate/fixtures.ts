import type { K8sObject } from '../../src/core/object.js';

/**
 * A realistic render of the platform: every object is valid against the real schemas, references
 * resolve, and pods meet Pod Security "restricted". Tests break one thing at a time.
 */

const restrictedContainerSC = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
};
const restrictedPodSC = { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } };
// Fresh copies each time, so a test that mutates one object cannot leak into another.
const restrictedContainer = (): typeof restrictedContainerSC => structuredClone(restrictedContainerSC);
const restrictedPod = (): typeof restrictedPodSC => structuredClone(restrictedPodSC);

export function platform(): K8sObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'infra', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'inference' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'envoy-gateway-system' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'knative-serving' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'litellm', namespace: 'infra' } },
    {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'litellm-master-key', namespace: 'infra' },
      type: 'Opaque', stringData: { masterKey: 'sk-test' },
    },
    {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'litellm-config', namespace: 'infra' },
      data: { 'config.yaml': 'model_list: []\n' },
    },
    litellmDeployment(),
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'litellm', namespace: 'infra', labels: { 'app.kubernetes.io/name': 'litellm' } },
      spec: { type: 'ClusterIP', selector: { 'app.kubernetes.io/name': 'litellm' }, ports: [{ name: 'http', port: 4000, targetPort: 'http', protocol: 'TCP' }] },
    },
    {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'litellm', namespace: 'infra' },
      spec: { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'litellm' } } },
    },
    {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'litellm', namespace: 'infra' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'litellm' }, minReplicas: 2, maxReplicas: 6,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'litellm', namespace: 'infra' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'], resourceNames: ['litellm-master-key'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'litellm', namespace: 'infra' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'litellm' },
      subjects: [{ kind: 'ServiceAccount', name: 'litellm', namespace: 'infra' }],
    },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'litellm-ingress', namespace: 'infra' },
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'litellm' } }, policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } } }], ports: [{ port: 4000, protocol: 'TCP' }] }],
      },
    },
    pgCluster(),
    pooler(),
    ...valkey(),
    secretJob(),
    {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'pg-vacuum', namespace: 'infra' },
      spec: {
        schedule: '0 3 * * *', concurrencyPolicy: 'Forbid',
        jobTemplate: { spec: { template: { metadata: { labels: { app: 'pg-vacuum' } }, spec: {
          restartPolicy: 'OnFailure', securityContext: restrictedPod(),
          containers: [{
            name: 'vacuum', image: 'ghcr.io/cloudnative-pg/postgresql:18.4', command: ['vacuumdb', '--all'],
            env: [{ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'pg-app', key: 'password' } } }],
            securityContext: restrictedContainer(),
          }],
        } } } },
      },
    },
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'inference-critical' }, value: 100000, globalDefault: false, description: 'model servers' },
    ...gateway(),
    {
      apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' },
      spec: {
        ingress: { kourier: { enabled: true } },
        config: { network: { 'ingress-class': 'kourier.ingress.networking.knative.dev' }, deployment: { 'progress-deadline': '1200s' } },
      },
    },
    servingRuntime(),
    inferenceService(),
    ...inferencePool(),
  ];
}

export function litellmDeployment(): K8sObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'litellm', namespace: 'infra', labels: { 'app.kubernetes.io/name': 'litellm', 'app.kubernetes.io/part-of': 'inferctl' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'litellm' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'litellm' }, annotations: { 'checksum/config': 'abc123' } },
        spec: {
          serviceAccountName: 'litellm',
          securityContext: restrictedPod(),
          containers: [{
            name: 'litellm', image: 'ghcr.io/berriai/litellm:main-v1.80.0', imagePullPolicy: 'IfNotPresent',
            args: ['--config', '/etc/litellm/config.yaml', '--port', '4000'],
            ports: [{ name: 'http', containerPort: 4000, protocol: 'TCP' }],
            env: [
              { name: 'LITELLM_MASTER_KEY', valueFrom: { secretKeyRef: { name: 'litellm-master-key', key: 'masterKey' } } },
              { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'pg-app', key: 'uri' } } },
              { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'valkey-auth', key: 'password' } } },
            ],
            resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi' } },
            readinessProbe: { httpGet: { path: '/health/readiness', port: 'http' }, periodSeconds: 10 },
            volumeMounts: [{ name: 'config', mountPath: '/etc/litellm', readOnly: true }, { name: 'tmp', mountPath: '/tmp' }],
            securityContext: restrictedContainer(),
          }],
          volumes: [{ name: 'config', configMap: { name: 'litellm-config' } }, { name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

export function pgCluster(): K8sObject {
  return {
    apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'infra' },
    spec: {
      instances: 3,
      imageName: 'ghcr.io/cloudnative-pg/postgresql:18.4-system-trixie',
      postgresql: { parameters: { max_connections: '200', shared_buffers: '256MB' } },
      bootstrap: { initdb: { database: 'litellm', owner: 'litellm' } },
      storage: { size: '10Gi', storageClass: 'standard' },
      resources: { requests: { cpu: '500m', memory: '1Gi' } },
      affinity: { enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname' },
      monitoring: { enablePodMonitor: false },
    },
  };
}

export function pooler(): K8sObject {
  return {
    apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'pg-pooler-rw', namespace: 'infra' },
    spec: {
      cluster: { name: 'pg' }, instances: 2, type: 'rw',
      pgbouncer: { poolMode: 'transaction', parameters: { max_client_conn: '1000', default_pool_size: '20' } },
    },
  };
}

function valkey(): K8sObject[] {
  return [
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'valkey-auth', namespace: 'infra' }, type: 'Opaque', data: { password: 'c2VjcmV0' } },
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'valkey', namespace: 'infra' },
      spec: {
        serviceName: 'valkey', replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'valkey' } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'valkey' } },
          spec: {
            securityContext: restrictedPod(),
            containers: [{
              name: 'valkey', image: 'valkey/valkey:8.1', args: ['--requirepass', '$(VALKEY_PASSWORD)'],
              env: [{ name: 'VALKEY_PASSWORD', valueFrom: { secretKeyRef: { name: 'valkey-auth', key: 'password' } } }],
              ports: [{ name: 'valkey', containerPort: 6379 }],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
              securityContext: restrictedContainer(),
            }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } }],
      },
    },
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'valkey', namespace: 'infra' },
      spec: { clusterIP: 'None', selector: { 'app.kubernetes.io/name': 'valkey' }, ports: [{ name: 'valkey', port: 6379, targetPort: 6379 }] },
    },
  ];
}

function secretJob(): K8sObject {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'litellm-secret-generator', namespace: 'infra' },
    spec: {
      backoffLimit: 2, ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels: { app: 'secret-generator' } },
        spec: {
          restartPolicy: 'Never', serviceAccountName: 'litellm', securityContext: restrictedPod(),
          containers: [{ name: 'generate', image: 'registry.k8s.io/kubectl:v1.35.0', command: ['/bin/sh', '-c', 'true'], securityContext: restrictedContainer() }],
        },
      },
    },
  };
}

export function gateway(): K8sObject[] {
  return [
    {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: { name: 'llm-proxy', namespace: 'envoy-gateway-system' },
      spec: { provider: { type: 'Kubernetes', kubernetes: { envoyService: { type: 'ClusterIP' }, envoyDeployment: { replicas: 2 } } } },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'envoy' },
      spec: {
        controllerName: 'gateway.envoyproxy.io/gatewayclass-controller',
        parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'llm-proxy', namespace: 'envoy-gateway-system' },
      },
    },
    {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'llm-gateway', namespace: 'infra' },
      spec: { gatewayClassName: 'envoy', listeners: [{ name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } }] },
    },
    httpRoute(),
  ];
}

export function httpRoute(): K8sObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'litellm', namespace: 'infra' },
    spec: {
      parentRefs: [{ name: 'llm-gateway', sectionName: 'http' }],
      hostnames: ['llm.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ name: 'litellm', port: 4000 }],
        timeouts: { request: '300s' },
      }],
    },
  };
}

export function servingRuntime(): K8sObject {
  return {
    apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ClusterServingRuntime', metadata: { name: 'vllm-runtime' },
    spec: {
      supportedModelFormats: [{ name: 'vLLM', version: '1', autoSelect: true, priority: 1 }],
      protocolVersions: ['v2'],
      containers: [{
        name: 'kserve-container', image: 'vllm/vllm-openai:v0.11.0',
        command: ['python', '-m', 'vllm.entrypoints.openai.api_server'],
        args: ['--port=8080', '--served-model-name={{.Name}}', '--model=/mnt/models'],
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: { requests: { cpu: '2', memory: '8Gi' } },
        securityContext: { ...restrictedContainer(), readOnlyRootFilesystem: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      }],
    },
  };
}

export function inferenceService(): K8sObject {
  return {
    apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService',
    metadata: { name: 'qwen', namespace: 'inference', annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' } },
    spec: {
      predictor: {
        minReplicas: 1, maxReplicas: 2,
        model: {
          modelFormat: { name: 'vLLM' }, runtime: 'vllm-runtime', storageUri: 'hf://Qwen/Qwen3-0.6B',
          resources: { limits: { 'nvidia.com/gpu': '1', memory: '16Gi' }, requests: { cpu: '2', memory: '16Gi' } },
        },
      },
    },
  };
}

function inferencePool(): K8sObject[] {
  const eppLabels = { 'app.kubernetes.io/name': 'qwen-epp' };
  return [
    {
      apiVersion: 'inference.networking.k8s.io/v1', kind: 'InferencePool', metadata: { name: 'qwen-pool', namespace: 'inference' },
      spec: {
        selector: { matchLabels: { 'serving.kserve.io/inferenceservice': 'qwen' } },
        targetPorts: [{ number: 8080 }],
        endpointPickerRef: { name: 'qwen-epp', port: { number: 9002 }, failureMode: 'FailOpen' },
      },
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'qwen-epp', namespace: 'inference' },
      spec: {
        selector: { matchLabels: eppLabels },
        template: {
          metadata: { labels: eppLabels },
          spec: {
            securityContext: restrictedPod(),
            containers: [{
              name: 'epp', image: 'registry.k8s.io/gateway-api-inference-extension/epp:v1.6.0', args: ['--pool-name', 'qwen-pool'],
              ports: [{ name: 'grpc', containerPort: 9002 }], securityContext: restrictedContainer(),
            }],
          },
        },
      },
    },
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'qwen-epp', namespace: 'inference' },
      spec: { selector: eppLabels, ports: [{ name: 'grpc', port: 9002, targetPort: 9002, appProtocol: 'http2' }] },
    },
  ];
}

/** A deep copy of an object from platform(), found by kind and name. */
export function pick(kind: string, name: string, objects: K8sObject[] = platform()): K8sObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`fixture ${kind} ${name} not found`);
  return structuredClone(o);
}
