import { describeObject, isPlainObject, type K8sObject } from '../core/object.js';
import { asArray, asRecord, containersOf, podTemplates, type PodTemplate } from './workloads.js';

/**
 * Pod Security Standard "restricted" at the latest (v1.35) level, which includes every "baseline"
 * check. Check ids are pod-security-admission's, so findings can be matched against PSA warnings.
 * Applied to pod templates, not pods: what a namespace labelled `enforce: restricted` would admit.
 */

export interface PodSecurityIssue {
  object: string;
  /** Path of the offending field (or of the container / pod spec that lacks it). */
  path: string;
  container?: string;
  check: string;
  message: string;
  /** Set when an exemption covers the finding: its reason. */
  exempt?: string;
}

export interface PodSecurityExemption {
  /** describeObject() of the workload, e.g. "Deployment envoy-gateway-system/envoy-gateway". */
  object: string;
  /** Container name; omitted or '*': every container and the pod-level findings. */
  container?: string;
  /** Only this check id; omitted: all checks. */
  check?: string;
  reason: string;
}

const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID',
  'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const RESTRICTED_VOLUME_SOURCES = new Set([
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret', 'image',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

export function checkRestricted(objects: K8sObject[], exemptions: PodSecurityExemption[] = []): PodSecurityIssue[] {
  const out: PodSecurityIssue[] = [];
  for (const obj of objects) {
    const object = describeObject(obj);
    for (const t of podTemplates(obj)) {
      for (const f of checkTemplate(t, obj)) {
        const ex = exemptions.find(
          (e) => e.object === object && (e.container === undefined || e.container === '*' || e.container === f.container) && (e.check === undefined || e.check === f.check),
        );
        out.push({ object, ...f, ...(ex ? { exempt: ex.reason } : {}) });
      }
    }
  }
  return out;
}

type Finding = Omit<PodSecurityIssue, 'object' | 'exempt'>;

function checkTemplate(t: PodTemplate, obj: K8sObject): Finding[] {
  const f: Finding[] = [];
  const pod = t.spec;
  const p = t.specPath;
  const psc = asRecord(pod.securityContext);
  const pscPath = `${p}.securityContext`;
  const windows = asRecord(pod.os).name === 'windows';
  const containers = containersOf(t);
  const add = (check: string, path: string, message: string, container?: string): void => {
    f.push({ check, path, message, ...(container !== undefined ? { container } : {}) });
  };

  // baseline: pod level
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) if (pod[ns] === true) add('hostNamespaces', `${p}.${ns}`, `${ns}=true is not allowed`);
  if (asRecord(psc.windowsOptions).hostProcess === true) add('hostProcess', `${pscPath}.windowsOptions.hostProcess`, 'hostProcess=true is not allowed');
  asArray(pod.volumes).forEach((v, i) => {
    const vol = asRecord(v);
    const source = Object.keys(vol).find((k) => k !== 'name');
    if (vol.hostPath !== undefined) add('hostPathVolumes', `${p}.volumes[${i}].hostPath`, `volume "${String(vol.name)}" uses hostPath`);
    else if (source && !RESTRICTED_VOLUME_SOURCES.has(source)) add('restrictedVolumes', `${p}.volumes[${i}]`, `volume "${String(vol.name)}" uses ${source}, which restricted does not allow`);
  });
  asArray(psc.sysctls).forEach((s, i) => {
    const name = String(asRecord(s).name);
    if (!SAFE_SYSCTLS.has(name)) add('sysctls', `${pscPath}.sysctls[${i}]`, `sysctl ${name} is not in the safe set`);
  });
  seLinux(psc, pscPath, undefined, add);
  appArmor(psc, pscPath, undefined, add);
  appArmorAnnotations(obj, t, add);
  if (psc.runAsUser === 0) add('runAsUser', `${pscPath}.runAsUser`, 'runAsUser=0 is not allowed');
  const podSeccomp = asRecord(psc.seccompProfile).type;
  if (podSeccomp === 'Unconfined') add('seccompProfile_baseline', `${pscPath}.seccompProfile.type`, 'seccompProfile.type Unconfined is not allowed');

  for (const { path, container } of containers) {
    const name = String(container.name ?? '?');
    const sc = asRecord(container.securityContext);
    const scPath = `${path}.securityContext`;
    const c = (check: string, at: string, message: string): void => add(check, at, `container "${name}": ${message}`, name);
    if (sc.privileged === true) c('privileged', `${scPath}.privileged`, 'privileged=true is not allowed');
    if (asRecord(sc.windowsOptions).hostProcess === true) c('hostProcess', `${scPath}.windowsOptions.hostProcess`, 'hostProcess=true is not allowed');
    if (sc.procMount !== undefined && sc.procMount !== 'Default') c('procMount', `${scPath}.procMount`, `procMount ${String(sc.procMount)} is not allowed`);
    asArray(container.ports).forEach((port, i) => {
      const hp = asRecord(port).hostPort;
      if (hp !== undefined && hp !== 0) c('hostPorts', `${path}.ports[${i}].hostPort`, `hostPort ${String(hp)} is not allowed`);
    });
    seLinux(sc, scPath, name, add);
    appArmor(sc, scPath, name, add);
    const caps = asRecord(sc.capabilities);
    asArray(caps.add).forEach((cap, i) => {
      const capName = String(cap).replace(/^CAP_/, '');
      if (!BASELINE_CAPABILITIES.has(capName)) c('capabilities_baseline', `${scPath}.capabilities.add[${i}]`, `adding capability ${String(cap)} is not allowed`);
      else if (capName !== 'NET_BIND_SERVICE' && !windows) c('capabilities_restricted', `${scPath}.capabilities.add[${i}]`, `only NET_BIND_SERVICE may be added, not ${String(cap)}`);
    });
    if (!windows && !asArray(caps.drop).some((d) => d === 'ALL')) c('capabilities_restricted', `${scPath}.capabilities.drop`, 'must drop ALL capabilities (capabilities.drop: ["ALL"])');
    if (!windows && sc.allowPrivilegeEscalation !== false) c('allowPrivilegeEscalation', `${scPath}.allowPrivilegeEscalation`, 'must set allowPrivilegeEscalation=false');
    if (sc.runAsNonRoot === false) c('runAsNonRoot', `${scPath}.runAsNonRoot`, 'runAsNonRoot=false is not allowed');
    else if (sc.runAsNonRoot !== true && psc.runAsNonRoot !== true) c('runAsNonRoot', `${scPath}.runAsNonRoot`, 'must set runAsNonRoot=true (here or in the pod securityContext)');
    if (sc.runAsUser === 0) c('runAsUser', `${scPath}.runAsUser`, 'runAsUser=0 is not allowed');
    const seccomp = asRecord(sc.seccompProfile).type;
    if (seccomp === 'Unconfined') c('seccompProfile_baseline', `${scPath}.seccompProfile.type`, 'seccompProfile.type Unconfined is not allowed');
    else if (!windows && seccomp === undefined && podSeccomp !== 'RuntimeDefault' && podSeccomp !== 'Localhost') {
      c('seccompProfile_restricted', `${scPath}.seccompProfile`, 'must set seccompProfile.type to RuntimeDefault or Localhost (here or in the pod securityContext)');
    } else if (seccomp !== undefined && seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      c('seccompProfile_restricted', `${scPath}.seccompProfile.type`, `seccompProfile.type ${String(seccomp)} is not allowed`);
    }
  }
  if (psc.runAsNonRoot === false) add('runAsNonRoot', `${pscPath}.runAsNonRoot`, 'runAsNonRoot=false is not allowed');
  return f;
}

type Add = (check: string, path: string, message: string, container?: string) => void;

function seLinux(sc: Record<string, unknown>, path: string, container: string | undefined, add: Add): void {
  const se = asRecord(sc.seLinuxOptions);
  const who = container ? `container "${container}": ` : '';
  if (se.type !== undefined && !SELINUX_TYPES.has(String(se.type))) add('seLinuxOptions', `${path}.seLinuxOptions.type`, `${who}seLinuxOptions.type ${String(se.type)} is not allowed`, container);
  for (const k of ['user', 'role']) if (se[k] !== undefined && se[k] !== '') add('seLinuxOptions', `${path}.seLinuxOptions.${k}`, `${who}seLinuxOptions.${k} may not be set`, container);
}

function appArmor(sc: Record<string, unknown>, path: string, container: string | undefined, add: Add): void {
  const type = asRecord(sc.appArmorProfile).type;
  const who = container ? `container "${container}": ` : '';
  if (type !== undefined && type !== 'RuntimeDefault' && type !== 'Localhost') add('appArmorProfile', `${path}.appArmorProfile.type`, `${who}appArmorProfile.type ${String(type)} is not allowed`, container);
}

function appArmorAnnotations(obj: K8sObject, t: PodTemplate, add: Add): void {
  const metaPath = t.specPath === 'spec' ? 'metadata' : t.specPath.replace(/\.spec$/, '.metadata');
  const meta = t.specPath === 'spec' ? obj.metadata : metaPath.split('.').reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), obj);
  for (const [k, v] of Object.entries(asRecord(asRecord(meta).annotations))) {
    if (!k.startsWith('container.apparmor.security.beta.kubernetes.io/')) continue;
    if (v !== 'runtime/default' && !String(v).startsWith('localhost/')) {
      add('appArmorProfile', `${metaPath}.annotations[${k}]`, `AppArmor profile ${String(v)} is not allowed`, k.split('/')[1]);
    }
  }
}
