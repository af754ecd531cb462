import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { checkRestricted } from '../../src/validate/pod-security.js';
import { litellmDeployment, platform, servingRuntime } from './fixtures.js';

const podSpec = (d: K8sObject): any => (d.spec as any).template.spec;
const checks = (objects: K8sObject[]): string[] => checkRestricted(objects).map((i) => `${i.check} ${i.path}`);

test('the platform render meets restricted', () => {
  assert.deepEqual(checkRestricted(platform()), []);
});

test('a bare container violates every restricted container rule', () => {
  const d = litellmDeployment();
  delete podSpec(d).securityContext;
  delete podSpec(d).containers[0].securityContext;
  assert.deepEqual(checks([d]), [
    'capabilities_restricted spec.template.spec.containers[0].securityContext.capabilities.drop',
    'allowPrivilegeEscalation spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
    'runAsNonRoot spec.template.spec.containers[0].securityContext.runAsNonRoot',
    'seccompProfile_restricted spec.template.spec.containers[0].securityContext.seccompProfile',
  ]);
  const issue = checkRestricted([d])[0];
  assert.equal(issue.object, 'Deployment infra/litellm');
  assert.equal(issue.container, 'litellm');
  assert.match(issue.message, /container "litellm": must drop ALL capabilities/);
});

test('pod-level runAsNonRoot and seccompProfile cover all containers; a container may not undo them', () => {
  const d = litellmDeployment();
  podSpec(d).initContainers = [{ name: 'init', image: 'busybox', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }];
  assert.deepEqual(checks([d]), []);
  podSpec(d).initContainers[0].securityContext.runAsNonRoot = false;
  podSpec(d).initContainers[0].securityContext.seccompProfile = { type: 'Unconfined' };
  podSpec(d).initContainers[0].securityContext.runAsUser = 0;
  assert.deepEqual(checks([d]), [
    'runAsNonRoot spec.template.spec.initContainers[0].securityContext.runAsNonRoot',
    'runAsUser spec.template.spec.initContainers[0].securityContext.runAsUser',
    'seccompProfile_baseline spec.template.spec.initContainers[0].securityContext.seccompProfile.type',
  ]);
});

test('baseline: host namespaces, host paths and ports, privileged, capabilities, procMount, SELinux, AppArmor, sysctls', () => {
  const d = litellmDeployment();
  const spec = podSpec(d);
  spec.hostNetwork = true;
  spec.hostPID = true;
  spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } }, { name: 'nfs', nfs: { server: 'n', path: '/' } });
  spec.securityContext.sysctls = [{ name: 'net.core.somaxconn', value: '1024' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }];
  spec.securityContext.seLinuxOptions = { type: 'spc_t' };
  const sc = spec.containers[0].securityContext;
  sc.privileged = true;
  sc.capabilities.add = ['NET_ADMIN', 'CHOWN', 'NET_BIND_SERVICE'];
  sc.procMount = 'Unmasked';
  sc.appArmorProfile = { type: 'Unconfined' };
  spec.containers[0].ports[0].hostPort = 4000;
  (d.spec as any).template.metadata.annotations['container.apparmor.security.beta.kubernetes.io/litellm'] = 'unconfined';
  assert.deepEqual(checks([d]).sort(), [
    'appArmorProfile spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/litellm]',
    'appArmorProfile spec.template.spec.containers[0].securityContext.appArmorProfile.type',
    'capabilities_baseline spec.template.spec.containers[0].securityContext.capabilities.add[0]',
    'capabilities_restricted spec.template.spec.containers[0].securityContext.capabilities.add[1]',
    'hostNamespaces spec.template.spec.hostNetwork',
    'hostNamespaces spec.template.spec.hostPID',
    'hostPathVolumes spec.template.spec.volumes[2].hostPath',
    'hostPorts spec.template.spec.containers[0].ports[0].hostPort',
    'privileged spec.template.spec.containers[0].securityContext.privileged',
    'procMount spec.template.spec.containers[0].securityContext.procMount',
    'restrictedVolumes spec.template.spec.volumes[3]',
    'seLinuxOptions spec.template.spec.securityContext.seLinuxOptions.type',
    'sysctls spec.template.spec.securityContext.sysctls[0]',
  ]);
});

test('every pod-bearing kind is checked: CronJob, StatefulSet, Pod, ServingRuntime, Knative Service', () => {
  const bare = { containers: [{ name: 'c', image: 'x' }] };
  const objects: K8sObject[] = [
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', namespace: 'n' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: bare } } } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' }, spec: bare },
    { apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'ks', namespace: 'n' }, spec: { template: { spec: bare } } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds', namespace: 'n' }, spec: { template: { spec: bare } } },
  ];
  const byObject = new Set(checkRestricted(objects).map((i) => i.object));
  assert.deepEqual([...byObject], ['CronJob n/cj', 'Pod n/p', 'Service n/ks', 'DaemonSet n/ds']);
  const rt = servingRuntime();
  delete (rt.spec as any).containers[0].securityContext;
  assert.deepEqual(new Set(checkRestricted([rt]).map((i) => i.path)), new Set([
    'spec.containers[0].securityContext.capabilities.drop',
    'spec.containers[0].securityContext.allowPrivilegeEscalation',
    'spec.containers[0].securityContext.runAsNonRoot',
    'spec.containers[0].securityContext.seccompProfile',
  ]));
});

test('exemptions report findings separately with their reason', () => {
  const d = litellmDeployment();
  delete podSpec(d).containers[0].securityContext.capabilities;
  podSpec(d).hostNetwork = true;
  const issues = checkRestricted([d], [{ object: 'Deployment infra/litellm', container: 'litellm', reason: 'upstream image needs CAP_CHOWN' }]);
  assert.deepEqual(issues.map((i) => [i.check, i.exempt]), [
    ['hostNamespaces', undefined],
    ['capabilities_restricted', 'upstream image needs CAP_CHOWN'],
  ]);
  const byCheck = checkRestricted([d], [{ object: 'Deployment infra/litellm', check: 'hostNamespaces', reason: 'node-local proxy' }]);
  assert.deepEqual(byCheck.map((i) => [i.check, i.exempt]), [
    ['hostNamespaces', 'node-local proxy'],
    ['capabilities_restricted', undefined],
  ]);
});

test('Windows pods are exempt from the Linux-only restricted checks', () => {
  const d = litellmDeployment();
  podSpec(d).os = { name: 'windows' };
  delete podSpec(d).securityContext.seccompProfile;
  delete podSpec(d).containers[0].securityContext;
  assert.deepEqual(checks([d]), []);
});
