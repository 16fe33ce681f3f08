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
  readonly env?: ReadonlyArray<{ readonly name?: string; readonly value?: string }>;
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

/** The shared "nothing wrong": most Pods keep no violation array of their own. */
export const NO_VIOLATIONS: ReadonlyArray<Violation> = Object.freeze([]);

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
// starting with a tab that kubectl rejects; Unicode line separators, C1 controls, U+FFFE/U+FFFF
// and lone surrogates (written raw or as an escape go-yaml refuses) trip both.
const YAML_UNSAFE = /^[ \t\r\n][^]*\n|^\n|[\u007f-\u009f\u2028\u2029\ufffe\uffff]|\p{Cs}/u;
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

/** What the name rules say about a kind of name. */
type NameRules = typeof NAME_RULES[keyof typeof NAME_RULES];

/**
 * A name must be a DNS-1123 label and unique among `seen` (which it joins, with `code`: where
 * it is, turned into a field path by `fieldOf` only when a message needs it).
 */
function checkName(rules: NameRules, name: string | undefined, seen: Map<string, number>, code: number,
  fieldOf: (code: number) => string, violations: Violation[]): void {
  const problem = dnsLabelProblem(name);
  if (problem) violations.push(violation(rules.dnsRule, `${fieldOf(code)}.name`, `${rules.kind} name ${show(name)} ${problem}`, rules.dnsFix));
  if (name !== undefined) {
    const first = seen.get(name);
    if (first !== undefined) {
      violations.push(violation(rules.uniqueRule, `${fieldOf(code)}.name`,
        `${rules.kind} name ${show(name)} is already used by ${fieldOf(first)}${rules.scope}`, rules.uniqueFix));
    } else {
      seen.set(name, code);
    }
  }
}

type ContainerKey = 'containers' | 'initContainers';

// Where things are, as numbers while checking (no strings are built unless a rule fails).
const volumeField = (i: number) => `spec.volumes[${i}]`;
/** App container i is coded i, init container i is coded -1 - i. */
const containerField = (code: number) => (code >= 0 ? `spec.containers[${code}]` : `spec.initContainers[${-1 - code}]`);
const fieldOf = (key: ContainerKey, i: number) => `spec.${key}[${i}]`;
const portFieldOf = (key: ContainerKey, i: number, j: number) => `spec.${key}[${i}].ports[${j}]`;
const mountFieldOf = (key: ContainerKey, i: number, j: number) => `spec.${key}[${i}].volumeMounts[${j}]`;
const labelOf = (container: ContainerView) => `container ${show(container.name)}`;
const BLANK = /^\s*$/;
const DOT_DOT_SEGMENT = /(^|\/)\.\.(\/|$)/;

/** The state of one checkPodSpec run, shared by its helpers. */
interface Check {
  readonly violations: Violation[];
  readonly containers: ReadonlyArray<ContainerView>;
  readonly volumeNames: Map<string, number>;
  readonly containerNames: Map<string, number>;
  /** Port key ("80/TCP") to the app container and port index that declared it first. */
  // Made on first use: most Pods have one port or none.
  portOwners?: Map<string, readonly [number, number]>;
  hostPortOwners?: Map<string, readonly [number, number]>;
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
 * One pass over containers, ports, mounts and volumes: linear in the size of the spec. The
 * common case (no violation) builds no strings: it runs twice per Pod on every synth.
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
  const volumeNames = new Map<string, number>();
  const volumes = spec.volumes ?? [];
  for (let i = 0; i < volumes.length; i++) {
    const volume = volumes[i];
    checkName(NAME_RULES.volume, volume.name, volumeNames, i, volumeField, violations);
    const sizeLimit = volume.emptyDir?.sizeLimit;
    if (sizeLimit !== undefined) {
      const v = quantityViolation(`${volumeField(i)}.emptyDir.sizeLimit`, sizeLimit);
      if (v) violations.push(v);
    }
  }

  // Containers: names unique across app and init containers; ports unique across app containers
  // (they share one network namespace); mounts unique per container and of existing volumes.
  const check: Check = { violations, containers, volumeNames, containerNames: new Map(), portOwners: undefined, hostPortOwners: undefined };
  for (let i = 0; i < containers.length; i++) checkContainer(check, containers[i], 'containers', i);
  for (let i = 0; i < initContainers.length; i++) checkContainer(check, initContainers[i], 'initContainers', i);
  return violations;
}

function checkContainer(check: Check, container: ContainerView, key: ContainerKey, i: number): void {
  const { violations } = check;
  checkName(NAME_RULES.container, container.name, check.containerNames, key === 'containers' ? i : -1 - i, containerField, violations);
  if (container.image !== undefined && BLANK.test(container.image)) {
    violations.push(violation('image-set', `${fieldOf(key, i)}.image`, `${labelOf(container)} has an empty image, received ${show(container.image)}`,
      'set the image to run, e.g. "nginx:1.27"'));
  }
  if (container.command) checkYamlSafe(violations, container, key, i, 'command', container.command);
  if (container.args) checkYamlSafe(violations, container, key, i, 'args', container.args);
  const env = container.env;
  if (env) {
    for (let j = 0; j < env.length; j++) {
      const value = env[j].value;
      if (value !== undefined && YAML_UNSAFE.test(value)) {
        violations.push(yamlUnsafe(`${fieldOf(key, i)}.env[${j}].value`, `${labelOf(container)} sets the environment variable ${show(env[j].name)} to ${excerpt(value)}`));
      }
    }
  }

  const ports = container.ports ?? [];
  let portNames: Set<string> | undefined;
  for (let j = 0; j < ports.length; j++) {
    const port = ports[j];
    const protocol = port.protocol ?? 'TCP';
    if (!isPortNumber(port.containerPort)) portRange(violations, container, `${portFieldOf(key, i, j)}.containerPort`, port.containerPort);
    if (port.hostPort !== undefined && !isPortNumber(port.hostPort)) portRange(violations, container, `${portFieldOf(key, i, j)}.hostPort`, port.hostPort);
    if (port.name !== undefined) {
      if (port.name.length > 15 || !PORT_NAME.test(port.name)) {
        violations.push(violation('port-name-valid', `${portFieldOf(key, i, j)}.name`,
          `${labelOf(container)} names a port ${show(port.name)}; a port name has at most 15 lowercase letters, digits and single inner '-', with at least one letter`,
          'use a name such as "http" or "metrics"'));
      }
      portNames ??= new Set();
      if (portNames.has(port.name)) {
        violations.push(violation('port-name-unique', `${portFieldOf(key, i, j)}.name`, `${labelOf(container)} declares the port name ${show(port.name)} twice`,
          'give each port of a container its own name'));
      }
      portNames.add(port.name);
    }
    // Init containers run before the app containers, so their ports never collide with them.
    if (key === 'containers' && port.containerPort !== undefined) {
      const portKey = `${port.containerPort}/${protocol}`;
      check.portOwners ??= new Map();
      const owner = check.portOwners.get(portKey);
      if (owner) {
        violations.push(violation('port-unique-in-pod', `${portFieldOf(key, i, j)}.containerPort`,
          `${labelOf(container)} declares port ${portKey}, which ${portOwner(check, owner)} already declares; all containers of a Pod share one network namespace, so only one of them can bind it`,
          'give one of the containers another port (a sidecar reaches the main container on localhost:<its port>)'));
      } else {
        check.portOwners.set(portKey, [i, j]);
      }
    }
    if (key === 'containers' && port.hostPort !== undefined) {
      const hostKey = `${port.hostPort}/${protocol}`;
      check.hostPortOwners ??= new Map();
      const owner = check.hostPortOwners.get(hostKey);
      if (owner) {
        violations.push(violation('host-port-unique', `${portFieldOf(key, i, j)}.hostPort`,
          `${labelOf(container)} asks for host port ${hostKey}, which ${portOwner(check, owner)} already asks for; a node port can be bound once`,
          'give one of the containers another hostPort, or none'));
      } else {
        check.hostPortOwners.set(hostKey, [i, j]);
      }
    }
  }

  const mounts = container.volumeMounts ?? [];
  let mountPaths: Map<string, number> | undefined;
  for (let j = 0; j < mounts.length; j++) {
    const mount = mounts[j];
    if (mount.mountPath === undefined || !mount.mountPath.startsWith('/')) {
      violations.push(violation('mount-path-valid', `${mountFieldOf(key, i, j)}.mountPath`,
        `${labelOf(container)} mounts volume ${show(mount.name)} at ${show(mount.mountPath)}, which is not an absolute path`,
        'mount at an absolute path such as "/data"'));
    }
    if (mount.subPath !== undefined && (mount.subPath.startsWith('/') || DOT_DOT_SEGMENT.test(mount.subPath))) {
      violations.push(violation('mount-sub-path-valid', `${mountFieldOf(key, i, j)}.subPath`,
        `${labelOf(container)} mounts the sub-path ${show(mount.subPath)} of volume ${show(mount.name)}; a sub-path must be relative and must not contain '..'`,
        'use a relative path inside the volume such as "site/html"'));
    }
    if (mount.mountPath !== undefined) {
      const path = normalizePath(mount.mountPath);
      mountPaths ??= new Map();
      const first = mountPaths.get(path);
      if (first !== undefined) {
        violations.push(violation('mount-path-unique', `${mountFieldOf(key, i, j)}.mountPath`,
          `${labelOf(container)} mounts ${show(mount.mountPath)} twice (also at ${fieldOf(key, i)}.volumeMounts[${first}])`,
          'mount each path once per container; use subPath or another path to mount a second volume'));
      } else {
        mountPaths.set(path, j);
      }
    }
    if (mount.name === undefined || !check.volumeNames.has(mount.name)) {
      violations.push(missingVolume(`${mountFieldOf(key, i, j)}.name`, container.name, mount.name, [...check.volumeNames.keys()]));
    }
  }
}

function checkYamlSafe(violations: Violation[], container: ContainerView, key: ContainerKey, i: number, what: 'command' | 'args', texts: ReadonlyArray<string>): void {
  for (let j = 0; j < texts.length; j++) {
    const text = texts[j];
    if (YAML_UNSAFE.test(text)) {
      violations.push(yamlUnsafe(`${fieldOf(key, i)}.${what}[${j}]`, `${labelOf(container)} has the ${what} string ${excerpt(text)}`));
    }
  }
}

/** A string the YAML readers refuse or misread; `what` says where it is and quotes it. */
function yamlUnsafe(field: string, what: string): Violation {
  return violation('yaml-safe-strings', field, `${what}, which is written to YAML that `
    + 'podman kube play or kubectl refuse or misread: multi-line text must not start with a space, tab or line break, and no text may hold U+007F to U+009F, U+2028, U+2029, U+FFFE, U+FFFF or half a surrogate pair',
  'start multi-line text on its first character, e.g. with .trimStart(), and drop Unicode line separators');
}

/** A string quoted for a message: at most 60 characters, the first 57 and "..." when longer. */
function excerpt(text: string): string {
  return show(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function isPortNumber(value: number | undefined): boolean {
  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function portRange(violations: Violation[], container: ContainerView, field: string, value: number | undefined): void {
  violations.push(violation('port-range', field, `${labelOf(container)} declares port ${show(value)}, ports must be whole numbers from 1 to 65535`,
    'use a port number between 1 and 65535'));
}

function portOwner(check: Check, [i, j]: readonly [number, number]): string {
  return `${labelOf(check.containers[i])} (spec.containers[${i}].ports[${j}])`;
}

/** The violation for a mount that names a volume the Pod does not have. */
export function missingVolume(field: string, containerName: string | undefined, volumeName: string | undefined, known: string[]): Violation {
  const allowed = known.length ? `the Pod's volumes are ${known.map(show).join(', ')}` : 'the Pod has no volumes';
  return violation('mount-volume-exists', field,
    `container ${show(containerName)} mounts volume ${show(volumeName)}, which is not in the Pod; ${allowed}`,
    'declare the volume on the Pod, or mount one of its volumes');
}

function normalizePath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') : path;
}

/**
 * What one validation pass read of a pod, for telling the next pass whether the pod changed:
 * its shape (the number of containers, init containers, volumes, mounts and ports; cdk8s-plus
 * only ever adds these, it has no way to remove one) and its environment variable values (a
 * variable can be set again, to a new value, without changing any count).
 */
export class PodReading {
  /**
   * The shape, counted while describing (`describePod` and `matches` count the same things; were
   * they to differ, every pass would only check again).
   */
  public shape = 0;
  /** The environment variable values, container by container, in the order rendered. */
  private env: kplus.EnvValue[] | undefined;

  /** Records an environment variable value, while describing. */
  public addEnv(value: kplus.EnvValue): void {
    (this.env ??= []).push(value);
  }

  /** Ends the reading: kept until the next synth, as a copy sized to fit (an array grown by push keeps room for 17). */
  public done(): this {
    if (this.env) this.env = this.env.slice();
    return this;
  }

  /**
   * Whether `pod` still has this shape and the same (immutable) EnvValue objects in the same
   * places: one pass over cdk8s-plus's objects, reading each copying getter once.
   */
  public matches(pod: kplus.AbstractPod): boolean {
    const containers = pod.containers;
    const initContainers = pod.initContainers;
    const env = this.env;
    let shape = containers.length + initContainers.length + pod.volumes.length;
    let k = 0;
    for (let i = 0, n = containers.length + initContainers.length; i < n; i++) {
      const c = i < containers.length ? containers[i] : initContainers[i - containers.length];
      shape += c.mounts.length + c.ports.length;
      // Object.values, not for-in: V8 compiles for-in into far more code, and this runs on every synth.
      const values = Object.values(c.env.variables);
      for (let j = 0; j < values.length; j++) {
        if (env === undefined || values[j] !== env[k++]) return false;
      }
    }
    return shape === this.shape && k === (env?.length ?? 0);
  }
}

/**
 * Describes a cdk8s-plus pod (or any workload's pod template) as the rules' view, walking
 * cdk8s-plus's own container, port, mount and volume objects instead of rendering the spec.
 * Size limits are not read here (cdk8s-plus keeps them private): patterns check the `Size`
 * they are given with `sizeLimitViolation`. `reading`, if given, records what was read.
 */
export function describePod(pod: kplus.AbstractPod, reading?: PodReading): PodSpecView {
  // Plain loops into array literals, not .map: V8 tracks what a literal holds, and .map's arrays
  // change their elements kind after the fact (deoptimizing code that read them).
  const podContainers = pod.containers;
  const podInitContainers = pod.initContainers;
  const podVolumes = pod.volumes;
  // Volumes as cdk8s-plus renders them: the ones mounted (in container order), then the added ones.
  const volumes = new Volumes();
  const containers: ContainerView[] = [];
  for (let i = 0; i < podContainers.length; i++) containers.push(describeContainer(podContainers[i], volumes, reading));
  const initContainers: ContainerView[] = [];
  for (let i = 0; i < podInitContainers.length; i++) initContainers.push(describeContainer(podInitContainers[i], volumes, reading));
  for (let i = 0; i < podVolumes.length; i++) volumes.add(podVolumes[i]);
  if (reading) reading.shape += podContainers.length + podInitContainers.length + podVolumes.length;
  return { containers, initContainers, volumes: volumes.views() };
}

/** The volumes of a pod by name, as cdk8s-plus collects them. */
class Volumes {
  // Arrays, not a Map: a pod has a handful of volumes, and this runs for every Pod on every synth.
  private readonly unique: kplus.Volume[] = [];
  private duplicates?: kplus.Volume[];

  public add(volume: kplus.Volume): void {
    let existing: kplus.Volume | undefined;
    for (let i = 0; i < this.unique.length && !existing; i++) {
      if (this.unique[i].name === volume.name) existing = this.unique[i];
    }
    if (!existing) {
      this.unique.push(volume);
    } else if (existing !== volume) {
      this.duplicates ??= [];
      if (!this.duplicates.includes(volume)) this.duplicates.push(volume);
    }
  }

  /**
   * Two different volume objects with one name would both reach the rendered spec (cdk8s-plus
   * throws on it mid-synth): keep both so the rule reports it with a path, before any output.
   */
  public views(): VolumeView[] {
    const views: VolumeView[] = [];
    for (let i = 0; i < this.unique.length; i++) views.push({ name: this.unique[i].name });
    for (const volume of this.duplicates ?? []) views.push({ name: volume.name });
    return views;
  }
}

function describeContainer(container: kplus.Container, volumes: Volumes, reading: PodReading | undefined): ContainerView {
  const mounts = container.mounts;
  const ports = container.ports;
  if (reading) reading.shape += mounts.length + ports.length;
  const volumeMounts: Array<{ name: string; mountPath: string; subPath?: string }> = [];
  for (let j = 0; j < mounts.length; j++) {
    const m = mounts[j];
    volumes.add(m.volume);
    volumeMounts.push({ name: m.volume.name, mountPath: m.path, subPath: m.subPath });
  }
  const portViews: Array<{ containerPort: number; protocol?: string; name?: string; hostPort?: number }> = [];
  for (let j = 0; j < ports.length; j++) {
    const p = ports[j];
    portViews.push({ containerPort: p.number, protocol: p.protocol, name: p.name, hostPort: p.hostPort });
  }
  return {
    name: container.name,
    image: container.image,
    command: container.command,
    args: container.args,
    ports: portViews,
    volumeMounts,
    env: describeEnv(container.env.variables, reading),
  };
}

/** Environment variables as cdk8s-plus renders them: in the order added, values from secrets and config maps without a value. */
function describeEnv(variables: Record<string, kplus.EnvValue>, reading: PodReading | undefined): ContainerView['env'] {
  const names = Object.keys(variables);
  if (!names.length) return undefined;
  const env: Array<{ name: string; value?: string }> = [];
  for (let j = 0; j < names.length; j++) {
    const variable = variables[names[j]];
    reading?.addEnv(variable);
    const value = variable.value;
    env.push({ name: names[j], value: typeof value === 'string' ? value : undefined });
  }
  return env;
}
