// Cross-container rules for a Pod spec, in Kubernetes' own shape and field paths.
//
// The rules take the subset of a PodSpec they need (the same JSON a Pod, or the pod
// template of a Deployment/StatefulSet/Job/DaemonSet, renders to), so they apply to any
// workload and to manifests this library did not write. `describePod` builds that subset
// cheaply from cdk8s-plus objects, without rendering the Pod a second time.
import { Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

/** The part of a container spec the rules read. */
export interface ContainerView {
  readonly name?: string;
  readonly image?: string;
  readonly command?: ReadonlyArray<string>;
  readonly args?: ReadonlyArray<string>;
  readonly ports?: ReadonlyArray<{ readonly containerPort?: number; readonly protocol?: string; readonly name?: string; readonly hostPort?: number }>;
  readonly volumeMounts?: ReadonlyArray<{ readonly name?: string; readonly mountPath?: string; readonly subPath?: string }>;
}

/** The part of a volume spec the rules read. */
export interface VolumeView {
  readonly name?: string;
  readonly emptyDir?: { readonly medium?: string; readonly sizeLimit?: string | number };
}

/** The part of a PodSpec the rules read. */
export interface PodSpecView {
  readonly containers?: ReadonlyArray<ContainerView>;
  readonly initContainers?: ReadonlyArray<ContainerView>;
  readonly volumes?: ReadonlyArray<VolumeView>;
}

/** One broken rule: which rule, where, and the whole user-facing message. */
export interface Violation {
  readonly rule: RuleId;
  readonly field: string;
  readonly message: string;
}

/** The rules, by id. The ids appear at the end of every message and in docs/validation.md. */
export type RuleId =
  | 'container-name-unique'
  | 'container-name-dns-label'
  | 'volume-name-unique'
  | 'volume-name-dns-label'
  | 'port-unique-in-pod'
  | 'port-range'
  | 'port-name-unique'
  | 'port-name-valid'
  | 'host-port-unique'
  | 'mount-path-unique'
  | 'mount-path-valid'
  | 'mount-sub-path-valid'
  | 'mount-volume-exists'
  | 'image-set'
  | 'yaml-safe-strings'
  | 'init-container-probes'
  | 'size-limit-valid'
  | 'container-count'
  // Pattern rules (checked by the pattern that needs them, with the same message shape).
  | 'shared-volume-shared'
  | 'ipc-readiness-valid'
  | 'ipc-consumer-command'
  | 'ipc-producer-post-start'
  | 'shm-mounted-everywhere'
  | 'localhost-main-port';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// IANA_SVC_NAME: at most 15 lowercase letters, digits and single inner '-', with at least one letter.
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;
// Strings the YAML writer emits in a form other parsers refuse: a multi-line string starting with
// a space, tab or line break becomes a block scalar go-yaml v3 (podman kube play) rejects, or one
// starting with a tab that kubectl rejects; Unicode line separators trip both.
const YAML_UNSAFE = /^[ \t\r\n][^]*\n|^\n|[\u0085\u2028\u2029]/;
// Kubernetes resource.Quantity: a signed decimal number with an optional binary/decimal suffix or exponent.
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** Builds a violation; every message of the library has this shape. */
export function violation(rule: RuleId, field: string, problem: string, fix: string): Violation {
  return { rule, field, message: `${field}: ${problem}. fix: ${fix} (rule ${rule})` };
}

export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** Checks a DNS-1123 label (container, volume names). Returns the problem, or undefined. */
export function dnsLabelProblem(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return 'is empty';
  if (name.length > 63) return `is ${name.length} characters long, at most 63 are allowed`;
  if (!DNS_LABEL.test(name)) return 'must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit';
  return undefined;
}

/**
 * Checks a size limit given as a cdk8s `Size`. cdk8s-plus renders it in whole mebibytes, so
 * anything else would fail later, mid-synth, with no construct path.
 */
export function sizeLimitViolation(field: string, size: Size): Violation | undefined {
  const mebibytes = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isSafeInteger(mebibytes) || mebibytes <= 0) {
    return violation('size-limit-valid', field, `size limit must be a positive whole number of mebibytes, received ${mebibytes} MiB`,
      'use a positive size such as Size.mebibytes(64) or Size.gibibytes(1)');
  }
  return undefined;
}

function quantityViolation(field: string, quantity: string | number): Violation | undefined {
  const text = String(quantity);
  const match = QUANTITY.exec(text);
  if (!match || text.startsWith('-') || Number(match[1]) <= 0) {
    return violation('size-limit-valid', field, `size limit must be a positive Kubernetes quantity, received ${show(quantity)}`,
      'use a positive quantity such as "64Mi" or "1Gi"');
  }
  return undefined;
}

/** What the name rules say about each kind of name. */
const NAME_RULES = {
  volume: {
    kind: 'volume',
    dnsRule: 'volume-name-dns-label',
    dnsFix: 'name the volume with a DNS-1123 label such as "shared-data"',
    uniqueRule: 'volume-name-unique',
    scope: '',
    uniqueFix: 'give each volume its own name, or mount the same volume object in several containers',
  },
  container: {
    kind: 'container',
    dnsRule: 'container-name-dns-label',
    dnsFix: 'name the container with a DNS-1123 label such as "web" or "log-shipper"',
    uniqueRule: 'container-name-unique',
    scope: '; names must be unique across containers and initContainers',
    uniqueFix: 'give each container its own name (cdk8s-plus names every unnamed container "main")',
  },
} as const;

/** A name must be a DNS-1123 label and unique among `seen` (which it joins). */
type NameRules = typeof NAME_RULES[keyof typeof NAME_RULES];

function nameViolations(rules: NameRules, field: string, name: string | undefined, seen: Map<string, string>): Violation[] {
  const found: Violation[] = [];
  const problem = dnsLabelProblem(name);
  if (problem) found.push(violation(rules.dnsRule, `${field}.name`, `${rules.kind} name ${show(name)} ${problem}`, rules.dnsFix));
  if (name !== undefined) {
    const first = seen.get(name);
    if (first) {
      found.push(violation(rules.uniqueRule, `${field}.name`, `${rules.kind} name ${show(name)} is already used by ${first}${rules.scope}`, rules.uniqueFix));
    } else {
      seen.set(name, field);
    }
  }
  return found;
}

/** A pattern's demand on the number of app containers. */
export interface ContainerCountRequirement {
  /** The smallest number of app containers the pattern works with. */
  readonly min: number;
  /** What the pattern needs them for, for the message. */
  readonly why: string;
  /** How to fix it, for the message. */
  readonly fix: string;
}

/**
 * Runs every cross-container rule over a Pod spec and returns all violations, in spec order.
 * One pass over containers, ports, mounts and volumes: linear in the size of the spec.
 */
export function checkPodSpec(spec: PodSpecView, requirement?: ContainerCountRequirement): Violation[] {
  const violations: Violation[] = [];
  const containers = spec.containers ?? [];
  const initContainers = spec.initContainers ?? [];

  if (requirement && containers.length < requirement.min) {
    violations.push(violation('container-count', 'spec.containers',
      `${requirement.why} needs at least ${requirement.min} containers, received ${containers.length}`, requirement.fix));
  }

  // Volumes: unique DNS-1123 names, valid emptyDir size limits.
  const volumeNames = new Map<string, string>();
  (spec.volumes ?? []).forEach((volume, i) => {
    const field = `spec.volumes[${i}]`;
    violations.push(...nameViolations(NAME_RULES.volume, field, volume.name, volumeNames));
    const sizeLimit = volume.emptyDir?.sizeLimit;
    if (sizeLimit !== undefined) {
      const v = quantityViolation(`${field}.emptyDir.sizeLimit`, sizeLimit);
      if (v) violations.push(v);
    }
  });

  // Containers: names unique across app and init containers; ports unique across app containers
  // (they share one network namespace); mounts unique per container and of existing volumes.
  const containerNames = new Map<string, string>();
  const portOwners = new Map<string, string>();
  const hostPortOwners = new Map<string, string>();
  const walk = (list: ReadonlyArray<ContainerView>, key: 'containers' | 'initContainers') => list.forEach((container, i) => {
    const field = `spec.${key}[${i}]`;
    const label = `container ${show(container.name)}`;
    violations.push(...nameViolations(NAME_RULES.container, field, container.name, containerNames));
    if (container.image !== undefined && !container.image.trim()) {
      violations.push(violation('image-set', `${field}.image`, `${label} has an empty image, received ${show(container.image)}`,
        'set the image to run, e.g. "nginx:1.27"'));
    }
    for (const what of ['command', 'args'] as const) {
      (container[what] ?? []).forEach((text, j) => {
        if (YAML_UNSAFE.test(text)) {
          violations.push(violation('yaml-safe-strings', `${field}.${what}[${j}]`,
            `${label} has the ${what} string ${show(text.length > 60 ? `${text.slice(0, 57)}...` : text)}, which is written to YAML that `
            + 'podman kube play or kubectl refuse: multi-line text must not start with a space, tab or line break, and no text may hold U+0085, U+2028 or U+2029',
            'start multi-line text on its first character, e.g. with .trimStart(), and drop Unicode line separators'));
        }
      });
    }

    const portNames = new Set<string>();
    (container.ports ?? []).forEach((port, j) => {
      const portField = `${field}.ports[${j}]`;
      const protocol = port.protocol ?? 'TCP';
      for (const [what, value] of [['containerPort', port.containerPort], ['hostPort', port.hostPort]] as const) {
        if (value === undefined && what === 'hostPort') continue;
        if (value === undefined || !Number.isInteger(value) || value < 1 || value > 65535) {
          violations.push(violation('port-range', `${portField}.${what}`, `${label} declares port ${show(value)}, ports must be whole numbers from 1 to 65535`,
            'use a port number between 1 and 65535'));
        }
      }
      if (port.name !== undefined) {
        if (port.name.length > 15 || !PORT_NAME.test(port.name)) {
          violations.push(violation('port-name-valid', `${portField}.name`,
            `${label} names a port ${show(port.name)}; a port name has at most 15 lowercase letters, digits and single inner '-', with at least one letter`,
            'use a name such as "http" or "metrics"'));
        }
        if (portNames.has(port.name)) {
          violations.push(violation('port-name-unique', `${portField}.name`, `${label} declares the port name ${show(port.name)} twice`,
            'give each port of a container its own name'));
        }
        portNames.add(port.name);
      }
      // Init containers run before the app containers, so their ports never collide with them.
      if (key === 'containers' && port.containerPort !== undefined) {
        const portKey = `${port.containerPort}/${protocol}`;
        const owner = portOwners.get(portKey);
        if (owner) {
          violations.push(violation('port-unique-in-pod', `${portField}.containerPort`,
            `${label} declares port ${portKey}, which ${owner} already declares; all containers of a Pod share one network namespace, so only one of them can bind it`,
            'give one of the containers another port (a sidecar reaches the main container on localhost:<its port>)'));
        } else {
          portOwners.set(portKey, `${label} (${portField})`);
        }
      }
      if (key === 'containers' && port.hostPort !== undefined) {
        const hostKey = `${port.hostPort}/${protocol}`;
        const owner = hostPortOwners.get(hostKey);
        if (owner) {
          violations.push(violation('host-port-unique', `${portField}.hostPort`,
            `${label} asks for host port ${hostKey}, which ${owner} already asks for; a node port can be bound once`,
            'give one of the containers another hostPort, or none'));
        } else {
          hostPortOwners.set(hostKey, `${label} (${portField})`);
        }
      }
    });

    const mountPaths = new Map<string, string>();
    (container.volumeMounts ?? []).forEach((mount, j) => {
      const mountField = `${field}.volumeMounts[${j}]`;
      if (mount.mountPath === undefined || !mount.mountPath.startsWith('/')) {
        violations.push(violation('mount-path-valid', `${mountField}.mountPath`,
          `${label} mounts volume ${show(mount.name)} at ${show(mount.mountPath)}, which is not an absolute path`,
          'mount at an absolute path such as "/data"'));
      }
      if (mount.subPath !== undefined && (mount.subPath.startsWith('/') || mount.subPath.split('/').includes('..'))) {
        violations.push(violation('mount-sub-path-valid', `${mountField}.subPath`,
          `${label} mounts the sub-path ${show(mount.subPath)} of volume ${show(mount.name)}; a sub-path must be relative and must not contain '..'`,
          'use a relative path inside the volume such as "site/html"'));
      }
      if (mount.mountPath !== undefined) {
        const path = normalizePath(mount.mountPath);
        const first = mountPaths.get(path);
        if (first) {
          violations.push(violation('mount-path-unique', `${mountField}.mountPath`,
            `${label} mounts ${show(mount.mountPath)} twice (also at ${first})`,
            'mount each path once per container; use subPath or another path to mount a second volume'));
        } else {
          mountPaths.set(path, mountField);
        }
      }
      if (mount.name === undefined || !volumeNames.has(mount.name)) {
        violations.push(missingVolume(`${mountField}.name`, container.name, mount.name, [...volumeNames.keys()]));
      }
    });
  });
  walk(containers, 'containers');
  walk(initContainers, 'initContainers');
  return violations;
}

/** The violation for a mount that names a volume the Pod does not have. */
export function missingVolume(field: string, containerName: string | undefined, volumeName: string | undefined, known: string[]): Violation {
  const allowed = known.length ? `the Pod's volumes are ${known.map(show).join(', ')}` : 'the Pod has no volumes';
  return violation('mount-volume-exists', field,
    `container ${show(containerName)} mounts volume ${show(volumeName)}, which is not in the Pod; ${allowed}`,
    'declare the volume on the Pod, or mount one of its volumes');
}

function normalizePath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/**
 * Describes a cdk8s-plus pod (or any workload's pod template) as the rules' view, walking
 * cdk8s-plus's own container, port, mount and volume objects instead of rendering the spec.
 * Size limits are not read here (cdk8s-plus keeps them private): patterns check the `Size`
 * they are given with `sizeLimitViolation`.
 */
export function describePod(pod: kplus.AbstractPod): PodSpecView {
  // Volumes as cdk8s-plus renders them: the ones mounted (in container order), then the added ones.
  const volumes = new Map<string, kplus.Volume>();
  const duplicates: kplus.Volume[] = [];
  const addVolume = (volume: kplus.Volume) => {
    const existing = volumes.get(volume.name);
    if (!existing) volumes.set(volume.name, volume);
    else if (existing !== volume && !duplicates.includes(volume)) duplicates.push(volume);
  };
  const describe = (container: kplus.Container): ContainerView => {
    container.mounts.forEach(m => addVolume(m.volume));
    return {
      name: container.name,
      image: container.image,
      command: container.command,
      args: container.args,
      ports: container.ports.map(p => ({ containerPort: p.number, protocol: p.protocol, name: p.name, hostPort: p.hostPort })),
      volumeMounts: container.mounts.map(m => ({ name: m.volume.name, mountPath: m.path, subPath: m.subPath })),
    };
  };
  const containers = pod.containers.map(describe);
  const initContainers = pod.initContainers.map(describe);
  pod.volumes.forEach(addVolume);
  // Two different volume objects with one name would both reach the rendered spec (cdk8s-plus
  // throws on it mid-synth): keep both so the rule reports it with a path, before any output.
  return {
    containers,
    initContainers,
    volumes: [...volumes.values(), ...duplicates].map(v => ({ name: v.name })),
  };
}
