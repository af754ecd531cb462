import type { MetricCatalog } from './types.js';

/**
 * kube-state-metrics (not installed by inferctl: it comes with kube-prometheus-stack or a separate
 * install). The object-state metrics the platform's alerts use.
 */
export const kubeStateMetrics: MetricCatalog = {
  component: 'kube-state-metrics',
  version: 'v2.x (names checked at v2.20.0, 2026-08-17)',
  source:
    'kubernetes/kube-state-metrics@v2.20.0: docs/metrics/workload/{deployment,job,pod,statefulset,horizontalpodautoscaler}-metrics.md',
  endpoint: { port: 'http-metrics (8080)', path: '/metrics', scheme: 'http', enable: 'a kube-state-metrics deployment (kube-prometheus-stack installs one); inferctl does not' },
  confidence: 'verified',
  counterTotalSuffix: 'as-registered',
  note:
    'These are stable kube-state-metrics names; the version is whatever the user\'s monitoring stack runs. Labels deployment/job_name/statefulset/horizontalpodautoscaler/pod carry the object name, namespace its namespace. ' +
    'KServe Standard-mode predictors are Deployments named <isvc>-predictor; Knative-mode predictors are Deployments named <revision>-deployment (revision <isvc>-predictor-0000N).',
  metrics: [
    { name: 'kube_deployment_spec_replicas', type: 'gauge', help: 'Desired replicas of a Deployment.', labels: ['deployment', 'namespace'] },
    { name: 'kube_deployment_status_replicas_available', type: 'gauge', help: 'Available replicas of a Deployment ("model has no ready replica": == 0).', labels: ['deployment', 'namespace'] },
    { name: 'kube_deployment_status_replicas_ready', type: 'gauge', help: 'Ready replicas of a Deployment.', labels: ['deployment', 'namespace'] },
    { name: 'kube_deployment_status_replicas_unavailable', type: 'gauge', help: 'Unavailable replicas of a Deployment.', labels: ['deployment', 'namespace'] },
    { name: 'kube_deployment_status_condition', type: 'gauge', help: 'Deployment conditions (Available, Progressing) by status.', labels: ['deployment', 'namespace', 'condition', 'status', 'reason'] },
    { name: 'kube_statefulset_replicas', type: 'gauge', help: 'Desired replicas of a StatefulSet.', labels: ['statefulset', 'namespace'] },
    { name: 'kube_statefulset_status_replicas_ready', type: 'gauge', help: 'Ready replicas of a StatefulSet (Valkey).', labels: ['statefulset', 'namespace'] },
    { name: 'kube_job_status_failed', type: 'gauge', help: 'Failed pods of a Job ("migration Job failed": > 0).', labels: ['job_name', 'namespace', 'reason'] },
    { name: 'kube_job_status_succeeded', type: 'gauge', help: 'Succeeded pods of a Job.', labels: ['job_name', 'namespace'] },
    { name: 'kube_job_status_active', type: 'gauge', help: 'Active pods of a Job.', labels: ['job_name', 'namespace'] },
    { name: 'kube_job_failed', type: 'gauge', help: 'Job Failed condition by status (condition="true" means the Job failed).', labels: ['job_name', 'namespace', 'condition'] },
    { name: 'kube_job_complete', type: 'gauge', help: 'Job Complete condition by status.', labels: ['job_name', 'namespace', 'condition'] },
    { name: 'kube_job_owner', type: 'gauge', help: 'Owner of a Job.', labels: ['job_name', 'namespace', 'owner_kind', 'owner_name', 'owner_is_controller'] },
    { name: 'kube_pod_status_ready', type: 'gauge', help: 'Pod Ready condition by status.', labels: ['pod', 'namespace', 'uid', 'condition'] },
    { name: 'kube_pod_status_phase', type: 'gauge', help: 'Pod phase.', labels: ['pod', 'namespace', 'uid', 'phase'] },
    { name: 'kube_pod_owner', type: 'gauge', help: 'Owner of a pod.', labels: ['pod', 'namespace', 'uid', 'owner_kind', 'owner_name', 'owner_is_controller'] },
    { name: 'kube_pod_container_status_ready', type: 'gauge', help: 'Container readiness.', labels: ['pod', 'namespace', 'uid', 'container'] },
    { name: 'kube_pod_container_status_restarts_total', type: 'counter', help: 'Container restarts.', labels: ['pod', 'namespace', 'uid', 'container'] },
    { name: 'kube_pod_container_status_waiting_reason', type: 'gauge', help: 'Reason a container is waiting (CrashLoopBackOff, ImagePullBackOff, ...).', labels: ['pod', 'namespace', 'uid', 'container', 'reason'] },
    { name: 'kube_pod_init_container_status_waiting_reason', type: 'gauge', help: 'Reason an init container (e.g. storage-initializer) is waiting.', labels: ['pod', 'namespace', 'uid', 'container', 'reason'] },
    { name: 'kube_pod_init_container_status_terminated_reason', type: 'gauge', help: 'Reason an init container terminated (Error for a failed model download).', labels: ['pod', 'namespace', 'uid', 'container', 'reason'] },
    { name: 'kube_pod_init_container_status_restarts_total', type: 'counter', help: 'Init container restarts.', labels: ['pod', 'namespace', 'uid', 'container'] },
    { name: 'kube_horizontalpodautoscaler_status_current_replicas', type: 'gauge', help: 'Current replicas seen by an HPA (KEDA creates keda-hpa-<scaledobject>).', labels: ['horizontalpodautoscaler', 'namespace'] },
    { name: 'kube_horizontalpodautoscaler_spec_max_replicas', type: 'gauge', help: 'Max replicas of an HPA.', labels: ['horizontalpodautoscaler', 'namespace'] },
  ],
};
