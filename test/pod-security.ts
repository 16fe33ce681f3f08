// The Kubernetes Pod Security Standards, "baseline" and "restricted" levels, as checks over a
// Pod spec (the JSON of a Pod's `spec`, or of a workload's pod template's `spec`).
//
// Written from the Kubernetes docs, https://kubernetes.io/docs/concepts/security/pod-security-standards/
// (the "latest" version of each control), read the way the built-in Pod Security Admission
// controller reads them:
// - every container counts: `containers`, `initContainers` and `ephemeralContainers`;
// - a container field that is unset inherits the Pod-level field (container overrides pod),
//   but a Pod-level field is itself a restricted field: a disallowed value there fails even
//   when every container overrides it (e.g. Pod `runAsNonRoot: false`);
// - "restricted" includes everything from "baseline";
// - on a Windows Pod (`spec.os.name: windows`) the Linux-only restricted controls (privilege
//   escalation, seccomp, capabilities) do not apply.
// No npm package implements these checks in a maintained form (searched: pod-security, psa,
// kubewarden, kyverno, polaris, kubesec), hence this file.

/* eslint-disable @typescript-eslint/no-explicit-any */

export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

/** The controls of the two enforced levels, named as the Kubernetes docs name them. */
export type BaselineCheck =
  | 'HostProcess'
  | 'Host Namespaces'
  | 'Privileged Containers'
  | 'Capabilities'
  | 'HostPath Volumes'
  | 'Host Ports'
  | 'AppArmor'
  | 'SELinux'
  | '/proc Mount Type'
  | 'Seccomp'
  | 'Sysctls';

export type RestrictedCheck =
  | 'Volume Types'
  | 'Privilege Escalation'
  | 'Running as Non-root'
  | 'Running as Non-root user'
  | 'Seccomp'
  | 'Capabilities';

/** One failed control: its level and name, where, and why. */
export interface PodSecurityViolation {
  readonly level: 'baseline' | 'restricted';
  readonly check: BaselineCheck | RestrictedCheck;
  /** `<level>: <check>`, e.g. `restricted: Seccomp` (the two levels share two control names). */
  readonly id: string;
  /** The field path, e.g. `spec.containers[1].securityContext.capabilities.add[0]`. */
  readonly field: string;
  readonly detail: string;
}

/** What a Pod spec is checked on: its metadata too, for the AppArmor annotations. */
export interface PodMetadata {
  readonly annotations?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Allowed values, from the docs

/** Baseline "Capabilities": what may be added (the container runtime's default set). */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/** Baseline "SELinux": the types a Pod or container may set. */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** Baseline "Sysctls": the "safe" namespaced subset. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);

/** Restricted "Volume Types": the only volume sources allowed. */
const RESTRICTED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

// ---------------------------------------------------------------------------------------------

interface Visited {
  readonly container: any;
  /** `spec.containers[0]`, ... */
  readonly at: string;
}

/** Every container of the spec, app, init and ephemeral, with where it is. */
function allContainers(spec: any): Visited[] {
  const out: Visited[] = [];
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    (spec?.[key] as any[] ?? []).forEach((container, i) => out.push({ container: container ?? {}, at: `spec.${key}[${i}]` }));
  }
  return out;
}

class Collector {
  public readonly violations: PodSecurityViolation[] = [];
  constructor(private readonly level: 'baseline' | 'restricted') {}
  public add(check: BaselineCheck | RestrictedCheck, field: string, detail: string): void {
    this.violations.push({ level: this.level, check, id: `${this.level}: ${check}`, field, detail });
  }
}

function baseline(spec: any, metadata: PodMetadata | undefined): PodSecurityViolation[] {
  const out = new Collector('baseline');
  const pod = spec?.securityContext ?? {};
  const containers = allContainers(spec);

  // HostProcess: Windows HostProcess containers have privileged access to the node.
  if (pod.windowsOptions?.hostProcess === true) out.add('HostProcess', 'spec.securityContext.windowsOptions.hostProcess', 'the Pod runs HostProcess containers');
  for (const { container, at } of containers) {
    if (container.securityContext?.windowsOptions?.hostProcess === true) {
      out.add('HostProcess', `${at}.securityContext.windowsOptions.hostProcess`, `container "${container.name}" is a HostProcess container`);
    }
  }

  // Host Namespaces.
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec?.[field] === true) out.add('Host Namespaces', `spec.${field}`, `the Pod shares the node's ${field.slice(4)} namespace`);
  }

  for (const { container, at } of containers) {
    const sc = container.securityContext ?? {};
    // Privileged Containers.
    if (sc.privileged === true) out.add('Privileged Containers', `${at}.securityContext.privileged`, `container "${container.name}" is privileged`);
    // Capabilities: only the default set may be added.
    (sc.capabilities?.add as string[] ?? []).forEach((cap, j) => {
      if (!BASELINE_CAPABILITIES.has(cap)) out.add('Capabilities', `${at}.securityContext.capabilities.add[${j}]`, `container "${container.name}" adds ${cap}`);
    });
    // Host Ports: 0 and unset only.
    (container.ports as any[] ?? []).forEach((port, j) => {
      if (port?.hostPort !== undefined && port.hostPort !== 0) out.add('Host Ports', `${at}.ports[${j}].hostPort`, `container "${container.name}" asks for host port ${port.hostPort}`);
    });
    // /proc Mount Type.
    if (sc.procMount !== undefined && sc.procMount !== 'Default') out.add('/proc Mount Type', `${at}.securityContext.procMount`, `container "${container.name}" sets procMount ${sc.procMount}`);
  }

  // HostPath Volumes.
  (spec?.volumes as any[] ?? []).forEach((volume, i) => {
    if (volume?.hostPath !== undefined) out.add('HostPath Volumes', `spec.volumes[${i}].hostPath`, `volume "${volume.name}" is a hostPath volume`);
  });

  // AppArmor: the annotations (before 1.30) and the fields (1.30+); Unconfined is not allowed.
  for (const [key, value] of Object.entries(metadata?.annotations ?? {})) {
    if (key.startsWith(APPARMOR_ANNOTATION) && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      out.add('AppArmor', `metadata.annotations['${key}']`, `AppArmor profile ${value}`);
    }
  }
  const appArmor = (profile: any, field: string, who: string) => {
    if (profile?.type !== undefined && profile.type !== 'RuntimeDefault' && profile.type !== 'Localhost') out.add('AppArmor', `${field}.appArmorProfile.type`, `${who} sets AppArmor profile ${profile.type}`);
  };
  appArmor(pod.appArmorProfile, 'spec.securityContext', 'the Pod');
  for (const { container, at } of containers) appArmor(container.securityContext?.appArmorProfile, `${at}.securityContext`, `container "${container.name}"`);

  // SELinux: a container type from the allowed list, no custom user or role.
  const seLinux = (options: any, field: string, who: string) => {
    if (options === undefined || options === null) return;
    if (options.type !== undefined && !SELINUX_TYPES.has(options.type)) out.add('SELinux', `${field}.seLinuxOptions.type`, `${who} sets the SELinux type ${options.type}`);
    for (const key of ['user', 'role']) {
      if (options[key] !== undefined && options[key] !== '') out.add('SELinux', `${field}.seLinuxOptions.${key}`, `${who} sets a custom SELinux ${key} ${options[key]}`);
    }
  };
  seLinux(pod.seLinuxOptions, 'spec.securityContext', 'the Pod');
  for (const { container, at } of containers) seLinux(container.securityContext?.seLinuxOptions, `${at}.securityContext`, `container "${container.name}"`);

  // Seccomp: never explicitly Unconfined.
  if (pod.seccompProfile?.type === 'Unconfined') out.add('Seccomp', 'spec.securityContext.seccompProfile.type', 'the Pod is Unconfined');
  for (const { container, at } of containers) {
    if (container.securityContext?.seccompProfile?.type === 'Unconfined') out.add('Seccomp', `${at}.securityContext.seccompProfile.type`, `container "${container.name}" is Unconfined`);
  }

  // Sysctls: the safe subset only.
  (pod.sysctls as any[] ?? []).forEach((sysctl, i) => {
    if (!SAFE_SYSCTLS.has(sysctl?.name)) out.add('Sysctls', `spec.securityContext.sysctls[${i}].name`, `sysctl ${sysctl?.name} is not in the safe subset`);
  });
  return out.violations;
}

function restricted(spec: any): PodSecurityViolation[] {
  const out = new Collector('restricted');
  const pod = spec?.securityContext ?? {};
  const containers = allContainers(spec);
  const linux = spec?.os?.name !== 'windows';

  // Volume Types: core volume types only (hostPath is baseline's, and counted here too).
  (spec?.volumes as any[] ?? []).forEach((volume, i) => {
    const sources = Object.keys(volume ?? {}).filter(k => k !== 'name');
    for (const source of sources) {
      if (!RESTRICTED_VOLUME_SOURCES.has(source)) out.add('Volume Types', `spec.volumes[${i}].${source}`, `volume "${volume.name}" is a ${source} volume`);
    }
  });

  // Privilege Escalation: allowPrivilegeEscalation explicitly false on every container (Linux only).
  if (linux) {
    for (const { container, at } of containers) {
      if (container.securityContext?.allowPrivilegeEscalation !== false) {
        out.add('Privilege Escalation', `${at}.securityContext.allowPrivilegeEscalation`,
          `container "${container.name}" has allowPrivilegeEscalation ${String(container.securityContext?.allowPrivilegeEscalation)}, must be false`);
      }
    }
  }

  // Running as Non-root: true on the Pod, or on every container; false nowhere.
  if (pod.runAsNonRoot === false) out.add('Running as Non-root', 'spec.securityContext.runAsNonRoot', 'the Pod sets runAsNonRoot false');
  for (const { container, at } of containers) {
    const own = container.securityContext?.runAsNonRoot;
    if (own === false) {
      out.add('Running as Non-root', `${at}.securityContext.runAsNonRoot`, `container "${container.name}" sets runAsNonRoot false`);
    } else if (own === undefined && pod.runAsNonRoot !== true) {
      out.add('Running as Non-root', `${at}.securityContext.runAsNonRoot`, `container "${container.name}" does not set runAsNonRoot, and the Pod does not set it true`);
    }
  }

  // Running as Non-root user: runAsUser never 0.
  if (pod.runAsUser === 0) out.add('Running as Non-root user', 'spec.securityContext.runAsUser', 'the Pod runs as user 0');
  for (const { container, at } of containers) {
    if (container.securityContext?.runAsUser === 0) out.add('Running as Non-root user', `${at}.securityContext.runAsUser`, `container "${container.name}" runs as user 0`);
  }

  if (linux) {
    // Seccomp: RuntimeDefault or Localhost, on the Pod or on every container.
    const allowed = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';
    const podType = pod.seccompProfile?.type;
    if (podType !== undefined && !allowed(podType)) out.add('Seccomp', 'spec.securityContext.seccompProfile.type', `the Pod's seccomp profile is ${podType}`);
    for (const { container, at } of containers) {
      const type = container.securityContext?.seccompProfile?.type;
      if (type !== undefined ? !allowed(type) : !allowed(podType)) {
        out.add('Seccomp', `${at}.securityContext.seccompProfile.type`,
          type !== undefined ? `container "${container.name}"'s seccomp profile is ${type}` : `container "${container.name}" sets no seccomp profile, and neither does the Pod`);
      }
    }

    // Capabilities: drop ALL, add back NET_BIND_SERVICE at most.
    for (const { container, at } of containers) {
      const caps = container.securityContext?.capabilities ?? {};
      if (!(caps.drop as string[] ?? []).includes('ALL')) out.add('Capabilities', `${at}.securityContext.capabilities.drop`, `container "${container.name}" does not drop ALL capabilities`);
      (caps.add as string[] ?? []).forEach((cap, j) => {
        if (cap !== 'NET_BIND_SERVICE') out.add('Capabilities', `${at}.securityContext.capabilities.add[${j}]`, `container "${container.name}" adds ${cap}; only NET_BIND_SERVICE may be added`);
      });
    }
  }
  return out.violations;
}

/**
 * The controls of `level` the Pod spec fails (for "restricted", those of "baseline" too), in
 * the order the docs list them per level; empty when it meets the level.
 * @param podSpec a Pod's `spec` (or a pod template's)
 * @param metadata the Pod's (or template's) metadata, for the AppArmor annotations
 */
export function podSecurityViolations(podSpec: unknown, level: PodSecurityLevel, metadata?: PodMetadata): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const found = baseline(podSpec, metadata);
  return level === 'restricted' ? [...found, ...restricted(podSpec)] : found;
}

/** The most restrictive level the Pod spec meets. */
export function podSecurityLevel(podSpec: unknown, metadata?: PodMetadata): PodSecurityLevel {
  if (podSecurityViolations(podSpec, 'restricted', metadata).length === 0) return 'restricted';
  if (podSecurityViolations(podSpec, 'baseline', metadata).length === 0) return 'baseline';
  return 'privileged';
}

/** The pod template of a synthesized workload (a Pod is its own): `{ metadata, spec }`, or undefined for other kinds. */
export function podTemplateOf(obj: any): { metadata?: PodMetadata; spec: unknown } | undefined {
  switch (obj?.kind) {
    case 'Pod': return { metadata: obj.metadata, spec: obj.spec };
    case 'Deployment': case 'StatefulSet': case 'DaemonSet': case 'Job': case 'ReplicaSet':
      return obj.spec?.template;
    case 'CronJob': return obj.spec?.jobTemplate?.spec?.template;
    default: return undefined;
  }
}
