// Cross-container rules for a Pod spec, in Kubernetes' own field paths.
//
// `PodChecker` holds the rules; it is fed facts in spec order by whoever reads the Pod:
// `checkPodSpec` reads the subset of a PodSpec the rules need (the same JSON a Pod, or the pod
// template of a Deployment/StatefulSet/Job/DaemonSet, renders to, so the rules apply to
// manifests this library did not write), and `checkPod` (./_pod-check) reads cdk8s-plus's own
// objects, without rendering the Pod or copying it into that JSON shape first.
import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';

/** The part of a container spec the rules read. */
export interface ContainerView {
  readonly name?: string;
  readonly image?: string;
  readonly command?: ReadonlyArray<string>;
  readonly args?: ReadonlyArray<string>;
  readonly ports?: ReadonlyArray<{ readonly containerPort?: number; readonly protocol?: string; readonly name?: string; readonly hostPort?: number }>;
  readonly volumeMounts?: ReadonlyArray<{ readonly name?: string; readonly mountPath?: string; readonly subPath?: string }>;
  readonly env?: ReadonlyArray<{ readonly name?: string; readonly value?: string }>;
  /** `Always` on an init container makes it a native sidecar (Kubernetes >= 1.29). */
  readonly restartPolicy?: string;
  readonly startupProbe?: unknown;
  readonly readinessProbe?: unknown;
  readonly livenessProbe?: unknown;
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
  | 'image-valid'
  | 'string-passable'
  | 'env-name-valid'
  | 'quantity-valid'
  | 'metadata-name-valid'
  | 'duration-valid'
  | 'required-prop'
  | 'yaml-safe-strings'
  | 'init-container-probes'
  | 'size-limit-valid'
  | 'container-count'
  // Pattern rules (checked by the pattern that needs them, with the same message shape).
  | 'shared-volume-shared'
  | 'ipc-readiness-valid'
  | 'ipc-consumer-command'
  | 'ipc-producer-post-start'
  | 'ipc-producer-startup-probe'
  | 'shm-mounted-everywhere'
  | 'localhost-main-port'
  // Workload rules (checked once per workload, for its kind).
  | 'workload-restart-policy'
  | 'job-long-running-helper'
  | 'statefulset-service-ports'
  // Native sidecars (init containers with restartPolicy: Always).
  | 'native-sidecar-restart-policy'
  | 'native-sidecar-exits';

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
  // A problem quoting another library's error may end in its own full stop.
  return { rule, field, message: `${field}: ${problem.replace(/\.$/, '')}. fix: ${fix} (rule ${rule})` };
}

/**
 * A value as a message quotes it: JSON, with every character a terminal or a YAML reader would
 * not show as itself escaped (`\u2028`, `\u0000`, half a surrogate pair), and numbers JSON has
 * no word for as themselves (`NaN`, `Infinity`, not `null`).
 */
export function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return String(value);
  return printable(JSON.stringify(value) ?? String(value));
}

/** `text` with every character a terminal or a YAML reader would not show as itself escaped (`\\u2028`). */
export function printable(text: string): string {
  return String(text).replace(UNPRINTABLE_OR_CONTROL, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// JSON.stringify escapes C0 controls, quotes and lone surrogates; these it leaves raw.
const UNPRINTABLE_OR_CONTROL = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\ufeff\ufffe\uffff]|\p{Cs}/gu;

/** Checks a DNS-1123 label (container, volume names). Returns the problem, or undefined. */
export function dnsLabelProblem(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return 'is empty';
  if (typeof name !== 'string') return 'is not a string';
  if (name.length > 63) return `is ${name.length} characters long, at most 63 are allowed`;
  if (!DNS_LABEL.test(name)) return 'must consist of lowercase letters, digits and \'-\', and start and end with a letter or digit';
  return undefined;
}

/**
 * Checks a size limit given as a cdk8s `Size`. cdk8s-plus renders it in whole mebibytes, so
 * anything else would fail later, mid-synth, with no construct path.
 */
export function sizeLimitViolation(field: string, size: Size): Violation | undefined {
  if (typeof (size as Partial<Size> | undefined)?.toMebibytes !== 'function') {
    return violation('size-limit-valid', field, `size limit must be a cdk8s Size, received ${show(size)}`, 'use a positive size such as Size.mebibytes(64) or Size.gibibytes(1)');
  }
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
    fieldOf: (spec: string, i: number) => volumeField(spec, i),
  },
  container: {
    kind: 'container',
    dnsRule: 'container-name-dns-label',
    dnsFix: 'name the container with a DNS-1123 label such as "web" or "log-shipper"',
    uniqueRule: 'container-name-unique',
    scope: '; names must be unique across containers and initContainers',
    uniqueFix: 'give each container its own name (cdk8s-plus names every unnamed container "main")',
    fieldOf: (spec: string, code: number) => containerField(spec, code),
  },
} as const;

/** What the name rules say about a kind of name. */
type NameRules = typeof NAME_RULES[keyof typeof NAME_RULES];

/** Where a container is in the spec. */
export type ContainerKey = 'containers' | 'initContainers';

// Where things are, as numbers while checking (no strings are built unless a rule fails).
// `spec` is where the pod spec is in the kind's YAML: `spec` for a Pod, `spec.template.spec` for
// a Deployment, `spec.jobTemplate.spec.template.spec` for a CronJob.
/** App container i is coded i, init container i is coded -1 - i. */
const containerCode = (key: ContainerKey, i: number) => (key === 'containers' ? i : -1 - i);
const volumeField = (spec: string, i: number) => `${spec}.volumes[${i}]`;
const containerField = (spec: string, code: number) => (code >= 0 ? `${spec}.containers[${code}]` : `${spec}.initContainers[${-1 - code}]`);
const labelOf = (name: string | undefined) => `container ${show(name)}`;
// The 1.27 API server's check of environment variable names (validation.IsEnvVarName).
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
// A container image reference, as the kubelet parses it (github.com/distribution/reference).
const IMAGE_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const IMAGE_REFERENCE = new RegExp(`^(?:${IMAGE_DOMAIN}/)?${IMAGE_COMPONENT}(?:/${IMAGE_COMPONENT})*(?::[\\w][\\w.-]{0,127})?`
  + '(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$');
/** The kernel's limit on one argument or environment string, its terminating NUL included (MAX_ARG_STRLEN). */
export const MAX_ARG_STRLEN = 131072;
const PASSABLE_FIX = 'pass large or binary data through a file instead (a ConfigMap or a shared volume), and drop NUL characters';
const BLANK = /^\s*$/;
const DOT_DOT_SEGMENT = /(^|\/)\.\.(\/|$)/;

/** How cdk8s-plus writes the sizes of a container's resources: a whole number of one unit each. */
const SIZE_RESOURCES = {
  'memory': { convert: 'toMebibytes', unit: 'MiB', units: 'mebibytes', words: 'memory', fix: 'use a whole number of mebibytes such as Size.mebibytes(256) or Size.gibibytes(1)' },
  'ephemeral-storage': { convert: 'toGibibytes', unit: 'GiB', units: 'gibibytes', words: 'ephemeral storage', fix: 'use a whole number of gibibytes such as Size.gibibytes(1)' },
} as const;

/** The container (code and name) that declared a port first, and the port's index in it. */
interface PortOwner {
  readonly code: number;
  readonly name: string | undefined;
  readonly port: number;
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
 * The cross-container rules, fed one fact at a time in spec order: the Pod's volumes, then each
 * container (`container`, then its strings, environment, ports and mounts). Whoever reads the
 * Pod (a raw spec in `checkPodSpec`, cdk8s-plus objects in `checkPod`) feeds it, so the rules
 * exist once and no intermediate copy of the Pod is built. Linear in the size of the spec.
 */
export class PodChecker {
  /** Everything found so far, in spec order. */
  public readonly violations: Violation[] = [];
  private readonly volumeNames = new Map<string, number>();
  private readonly containerNames = new Map<string, number>();
  // Port key ("80/TCP") to the container that declared it first (code and name) and its port index.
  private readonly portOwners = new Map<string, PortOwner>();
  /** The same for host ports (made on first use: few Pods ask for one). */
  private hostPortOwners?: Map<string, PortOwner>;
  // The container being fed (its field path is put together only for a message), and what its
  // ports and mounts used so far (emptied for each container).
  private code = 0;
  private name: string | undefined;
  /** Whether the container being fed runs beside the app containers (an app container or a native sidecar). */
  private sharesPortSpace = false;
  private readonly portNames = new Set<string>();
  private readonly mountPaths = new Map<string, number>();

  /**
   * @param spec where the pod spec is in the YAML of the workload's kind, e.g. `spec.template.spec`
   * @param appContainers the number of app containers
   * @param requirement the pattern's demand on the number of containers that run together, if any
   * @param nativeSidecars the number of native sidecars
   */
  constructor(private readonly spec: string, appContainers: number, requirement?: ContainerCountRequirement, nativeSidecars = 0) {
    if (appContainers < 1) {
      // The API server, and cdk8s-plus (which throws mid-synth, without a path), need an app container: native sidecars do not count.
      this.violations.push(violation('container-count', `${spec}.containers`,
        `a pod spec needs at least 1 app container, received ${appContainers}${nativeSidecars ? ` (and ${nativeSidecars} native sidecars, which do not count)` : ''}`,
        'add an app container to the workload (the one the helpers help)'));
    } else if (requirement && appContainers + nativeSidecars < requirement.min) {
      // A pattern's demand counts the containers that run together: app containers and native sidecars.
      this.violations.push(violation('container-count', `${spec}.containers`,
        `${requirement.why} needs at least ${requirement.min} containers, received ${appContainers + nativeSidecars}`, requirement.fix));
    }
  }

  /** Volume i: a unique DNS-1123 name, and a valid emptyDir size limit. */
  public volume(i: number, name: string | undefined, sizeLimit?: string | number): void {
    this.checkName(NAME_RULES.volume, name, this.volumeNames, i);
    if (sizeLimit !== undefined) {
      const v = quantityViolation(`${volumeField(this.spec, i)}.emptyDir.sizeLimit`, sizeLimit);
      if (v) this.violations.push(v);
    }
  }

  /**
   * Starts container i of `key`: a name unique across app and init containers, and an image.
   * `nativeSidecar`: an init container with `restartPolicy: Always`, which keeps running beside
   * the app containers and so shares their port space.
   */
  public container(key: ContainerKey, i: number, name: string | undefined, image: string | undefined, nativeSidecar = false): void {
    this.code = containerCode(key, i);
    this.name = name;
    this.sharesPortSpace = key === 'containers' || nativeSidecar;
    this.portNames.clear();
    this.mountPaths.clear();
    this.checkName(NAME_RULES.container, name, this.containerNames, this.code);
    if (image === undefined) {
      // Not in the spec read (a raw spec's image is the API server's to require).
    } else if (typeof image !== 'string' || BLANK.test(image)) {
      this.violations.push(violation('image-set', `${this.field}.image`, `${labelOf(name)} has an empty image, received ${show(image)}`,
        'set the image to run, e.g. "nginx:1.27"'));
    } else if (!IMAGE_REFERENCE.test(image)) {
      this.violations.push(violation('image-valid', `${this.field}.image`,
        `${labelOf(name)} has the image ${show(image)}, which is not an image reference the kubelet can pull (it fails with InvalidImageName)`,
        'write it as [registry[:port]/]name[:tag][@digest] with a lowercase name and no spaces, e.g. "nginx:1.27" or "registry.k8s.io/git-sync/git-sync:v4.4.0"'));
    }
  }

  /** The container's command and args: strings the YAML readers must take back as written, and a process can receive. */
  public texts(command: ReadonlyArray<string> | undefined, args: ReadonlyArray<string> | undefined): void {
    this.textList('command', command);
    this.textList('args', args);
  }

  /** The strings of a command or args list; field and label are put together only for a string that breaks a rule. */
  private textList(what: 'command' | 'args', texts: ReadonlyArray<string> | undefined): void {
    if (!texts) return;
    for (let j = 0; j < texts.length; j++) {
      if (!isPassableText(texts[j])) this.text(`${this.field}.${what}[${j}]`, `${labelOf(this.name)} has the ${what} string`, texts[j]);
    }
  }

  /**
   * A string the library writes for the container (a command, an argument, a probe's or a
   * hook's command): YAML-safe, no NUL, and short enough for the kernel to pass it.
   */
  public text(field: string, what: string, text: unknown, extraBytes = 0): void {
    this.violations.push(...textViolations(field, what, text, extraBytes));
  }

  /** Environment variable j of the container (`value` undefined when it comes from a secret, config map, ...). */
  public env(j: number, name: string | undefined, value: string | undefined): void {
    if (name === undefined || !ENV_NAME.test(name)) {
      this.violations.push(violation('env-name-valid', `${this.field}.env[${j}].name`,
        `${labelOf(this.name)} sets the environment variable ${show(name)}; the API server accepts names of letters, digits, '_', '-' and '.', not starting with a digit`,
        'name it like MAIN_URL or app.config'));
    }
    // The kernel passes each variable as one "NAME=value" string.
    if (value !== undefined && !isPassableText(value, (name?.length ?? 0) + 1)) {
      this.text(`${this.field}.env[${j}].value`, `${labelOf(this.name)} sets the environment variable ${show(name)} to`, value, (name?.length ?? 0) + 1);
    }
  }

  /** The container's resources as cdk8s-plus renders them: quantities the API server reads. */
  public resources(
    cpu: { request?: string; limit?: string },
    memory: { request?: Size; limit?: Size },
    ephemeral?: { request?: Size; limit?: Size },
  ): void {
    this.cpuQuantity('requests', cpu.request);
    this.cpuQuantity('limits', cpu.limit);
    this.sizeQuantity('ephemeral-storage', 'requests', ephemeral?.request);
    this.sizeQuantity('ephemeral-storage', 'limits', ephemeral?.limit);
    this.sizeQuantity('memory', 'requests', memory.request);
    this.sizeQuantity('memory', 'limits', memory.limit);
  }

  /**
   * Port j of the container: in range, validly and uniquely named, and (the containers running
   * together share one network namespace) not declared by another of them, nor its host port
   * asked for twice.
   */
  public port(j: number, containerPort: number | undefined, protocol = 'TCP', name?: string, hostPort?: number): void {
    const violations = this.violations;
    if (!isPortNumber(containerPort)) this.portRange(`${this.subField('ports', j)}.containerPort`, containerPort);
    if (hostPort !== undefined && !isPortNumber(hostPort)) this.portRange(`${this.subField('ports', j)}.hostPort`, hostPort);
    if (name !== undefined) {
      if (name.length > 15 || !PORT_NAME.test(name)) {
        violations.push(violation('port-name-valid', `${this.subField('ports', j)}.name`,
          `${labelOf(this.name)} names a port ${show(name)}; a port name has at most 15 lowercase letters, digits and single inner '-', with at least one letter`,
          'use a name such as "http" or "metrics"'));
      }
      if (this.portNames.has(name)) {
        violations.push(violation('port-name-unique', `${this.subField('ports', j)}.name`, `${labelOf(this.name)} declares the port name ${show(name)} twice`,
          'give each port of a container its own name'));
      }
      this.portNames.add(name);
    }
    // Plain init containers run before the app containers, so their ports never collide with them.
    if (!this.sharesPortSpace) return;
    if (containerPort !== undefined) {
      const owner = this.claim(this.portOwners, `${containerPort}/${protocol}`, j);
      if (owner) {
        violations.push(violation('port-unique-in-pod', `${this.subField('ports', j)}.containerPort`,
          `${labelOf(this.name)} declares port ${containerPort}/${protocol}, which ${this.portOwner(owner)} already declares; all containers of a Pod share one network namespace, so only one of them can bind it`,
          'give one of the containers another port (a sidecar reaches the main container on localhost:<its port>)'));
      }
    }
    if (hostPort !== undefined) {
      const owner = this.claim(this.hostPortOwners ??= new Map(), `${hostPort}/${protocol}`, j);
      if (owner) {
        violations.push(violation('host-port-unique', `${this.subField('ports', j)}.hostPort`,
          `${labelOf(this.name)} asks for host port ${hostPort}/${protocol}, which ${this.portOwner(owner)} already asks for; a node port can be bound once`,
          'give one of the containers another hostPort, or none'));
      }
    }
  }

  /**
   * The container's restart policy and the probes it has (`startupProbe`, ...): a restart policy
   * is allowed only as `Always` on an init container (a native sidecar), and probes on an init
   * container only when it is a native sidecar.
   */
  public lifecycle(restartPolicy: string | undefined, probes: ReadonlyArray<string>): void {
    const init = this.code < 0;
    if (restartPolicy !== undefined && (!init || restartPolicy !== 'Always')) {
      this.violations.push(violation('native-sidecar-restart-policy', `${this.field}.restartPolicy`,
        init
          ? `init ${labelOf(this.name)} has restartPolicy ${show(restartPolicy)}; the only restart policy an init container takes is "Always", which makes it a native sidecar`
          : `${labelOf(this.name)} has restartPolicy ${show(restartPolicy)}; app containers take no restart policy of their own (the Pod's applies)`,
        init ? 'remove it, or set it to "Always" for a native sidecar (Kubernetes >= 1.29)' : 'remove it; to run a helper beside the app containers, make it a native sidecar'));
    }
    if (init && restartPolicy !== 'Always') {
      for (const probe of probes) {
        this.violations.push(violation('init-container-probes', `${this.field}.${probe}`,
          `init ${labelOf(this.name)} has a ${probe}; an init container runs to completion and takes no probes unless it is a native sidecar`,
          `remove the ${probe}, or make it a native sidecar (restartPolicy "Always", Kubernetes >= 1.29)`));
      }
    }
  }

  /**
   * cdk8s-plus gives a container with `portNumber` a TCP startup probe: on an init container
   * that is not a native sidecar, the API server refuses it.
   */
  public portNumberProbe(portNumber: number): void {
    if (this.code >= 0 || this.sharesPortSpace) return;
    this.violations.push(violation('init-container-probes', `${this.field}.startupProbe`,
      `init ${labelOf(this.name)} declares portNumber ${portNumber}, for which cdk8s-plus adds a TCP startup probe; an init container takes no probes unless it is a native sidecar`,
      `declare the port as ports: [{ number: ${portNumber} }] instead of portNumber, or make it a native sidecar`));
  }

  /** Volume mount j of the container: an absolute path, used once, a safe sub-path, a volume of the Pod. */
  public mount(j: number, volumeName: string | undefined, mountPath: string | undefined, subPath?: string): void {
    const violations = this.violations;
    if (mountPath === undefined || !mountPath.startsWith('/')) {
      violations.push(violation('mount-path-valid', `${this.subField('volumeMounts', j)}.mountPath`,
        `${labelOf(this.name)} mounts volume ${show(volumeName)} at ${show(mountPath)}, which is not an absolute path`,
        'mount at an absolute path such as "/data"'));
    }
    if (subPath !== undefined && (subPath.startsWith('/') || DOT_DOT_SEGMENT.test(subPath))) {
      violations.push(violation('mount-sub-path-valid', `${this.subField('volumeMounts', j)}.subPath`,
        `${labelOf(this.name)} mounts the sub-path ${show(subPath)} of volume ${show(volumeName)}; a sub-path must be relative and must not contain '..'`,
        'use a relative path inside the volume such as "site/html"'));
    }
    if (mountPath !== undefined) {
      const path = normalizePath(mountPath);
      const first = this.mountPaths.get(path);
      if (first !== undefined) {
        violations.push(violation('mount-path-unique', `${this.subField('volumeMounts', j)}.mountPath`,
          `${labelOf(this.name)} mounts ${show(mountPath)} twice (also at ${this.field}.volumeMounts[${first}])`,
          'mount each path once per container; use subPath or another path to mount a second volume'));
      } else {
        this.mountPaths.set(path, j);
      }
    }
    if (volumeName === undefined || !this.volumeNames.has(volumeName)) {
      violations.push(missingVolume(`${this.subField('volumeMounts', j)}.name`, this.name, volumeName, [...this.volumeNames.keys()]));
    }
  }

  /**
   * A name must be a DNS-1123 label and unique among `seen` (which it joins, with `code`: where
   * it is, as a number: field paths are put together only for a message).
   */
  private checkName(rules: NameRules, name: string | undefined, seen: Map<string, number>, code: number): void {
    const problem = dnsLabelProblem(name);
    if (problem) this.violations.push(violation(rules.dnsRule, `${rules.fieldOf(this.spec, code)}.name`, `${rules.kind} name ${show(name)} ${problem}`, rules.dnsFix));
    if (name === undefined) return;
    const first = seen.get(name);
    if (first !== undefined) {
      this.violations.push(violation(rules.uniqueRule, `${rules.fieldOf(this.spec, code)}.name`,
        `${rules.kind} name ${show(name)} is already used by ${rules.fieldOf(this.spec, first)}${rules.scope}`, rules.uniqueFix));
    } else {
      seen.set(name, code);
    }
  }

  /** Records the current container's port j under `key`; returns the earlier owner, if any. */
  private claim(owners: Map<string, PortOwner>, key: string, j: number): PortOwner | undefined {
    const owner = owners.get(key);
    if (!owner) owners.set(key, { code: this.code, name: this.name, port: j });
    return owner;
  }

  /** The field path of the container being fed, e.g. `spec.template.spec.containers[1]`. */
  private get field(): string {
    return containerField(this.spec, this.code);
  }

  /** The field path of the current container's port or mount j, e.g. `spec.containers[1].ports[0]`. */
  private subField(list: 'ports' | 'volumeMounts', j: number): string {
    return `${this.field}.${list}[${j}]`;
  }

  private cpuQuantity(which: 'requests' | 'limits', amount: string | undefined): void {
    if (amount === undefined || isQuantity(String(amount))) return;
    this.violations.push(violation('quantity-valid', `${this.field}.resources.${which}.cpu`,
      `${labelOf(this.name)} asks for ${show(String(amount))} of CPU, which is not a Kubernetes quantity`,
      'use Cpu.millis(n) or Cpu.units(n) with a positive finite number such as 250 or 0.5'));
  }

  /** A memory or ephemeral-storage size, which cdk8s-plus writes in a whole number of its unit. */
  private sizeQuantity(resource: keyof typeof SIZE_RESOURCES, which: 'requests' | 'limits', size: Size | undefined): void {
    if (size === undefined) return;
    const r = SIZE_RESOURCES[resource];
    const amount = typeof size[r.convert] === 'function' ? size[r.convert]({ rounding: SizeRoundingBehavior.NONE }) : NaN;
    if (Number.isSafeInteger(amount) && amount >= 0) return;
    this.violations.push(violation('quantity-valid', `${this.field}.resources.${which}.${resource}`,
      `${labelOf(this.name)} asks for ${show(amount)} ${r.unit} of ${r.words}; cdk8s-plus writes ${r.words} in whole ${r.units}, so this is not a quantity it can write`,
      r.fix));
  }

  private portRange(field: string, value: number | undefined): void {
    this.violations.push(violation('port-range', field, `${labelOf(this.name)} declares port ${show(value)}, ports must be whole numbers from 1 to 65535`,
      'use a port number between 1 and 65535'));
  }

  private portOwner(owner: PortOwner): string {
    return `${labelOf(owner.name)} (${containerField(this.spec, owner.code)}.ports[${owner.port}])`;
  }
}

/**
 * Runs every cross-container rule over a raw Pod spec (the JSON a Pod, or a workload's pod
 * template, renders to) and returns all violations, in spec order. `spec` says where the pod
 * spec is in the kind's YAML. Init containers with `restartPolicy: Always` are native sidecars.
 */
export function checkPodSpec(podSpec: PodSpecView, requirement?: ContainerCountRequirement, spec = 'spec'): Violation[] {
  const containers = podSpec.containers ?? [];
  const initContainers = podSpec.initContainers ?? [];
  const checker = new PodChecker(spec, containers.length, requirement, initContainers.filter(c => c.restartPolicy === 'Always').length);
  (podSpec.volumes ?? []).forEach((v, i) => checker.volume(i, v.name, v.emptyDir?.sizeLimit));
  containers.forEach((c, i) => feedContainer(checker, c, 'containers', i));
  initContainers.forEach((c, i) => feedContainer(checker, c, 'initContainers', i));
  return checker.violations;
}

function feedContainer(checker: PodChecker, container: ContainerView, key: ContainerKey, i: number): void {
  checker.container(key, i, container.name, container.image, key === 'initContainers' && container.restartPolicy === 'Always');
  checker.texts(container.command, container.args);
  checker.lifecycle(container.restartPolicy, (['startupProbe', 'readinessProbe', 'livenessProbe'] as const).filter(p => container[p] !== undefined));
  (container.env ?? []).forEach((e, j) => checker.env(j, e.name, e.value));
  (container.ports ?? []).forEach((p, j) => checker.port(j, p.containerPort, p.protocol, p.name, p.hostPort));
  (container.volumeMounts ?? []).forEach((m, j) => checker.mount(j, m.name, m.mountPath, m.subPath));
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
 * Why a process could not receive `text` as one argument or environment string: a NUL ends the
 * string early, and the kernel refuses one longer than MAX_ARG_STRLEN (the container fails to
 * start with E2BIG). `extraBytes`: what the kernel adds (`NAME=` for a variable).
 */
export function passableProblem(text: string, extraBytes = 0): string | undefined {
  if (text.includes('\0')) return 'which holds a NUL character; a process receives its arguments and environment as NUL-terminated strings, so the container cannot be started with it';
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most strings need no count.
  if (text.length * 3 + extraBytes + 1 <= MAX_ARG_STRLEN) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8') + extraBytes + 1;
  if (bytes > MAX_ARG_STRLEN) {
    return `which is ${bytes} bytes long; the kernel passes at most ${MAX_ARG_STRLEN} bytes per argument or environment string (MAX_ARG_STRLEN), so the container fails to start (E2BIG)`;
  }
  return undefined;
}

/** Whether `text` is a Kubernetes quantity (no exponent after a suffix, no number too large to be finite). */
function isQuantity(text: string): boolean {
  if (!QUANTITY.test(text) || text.startsWith('-')) return false;
  // Fewer than 309 digits always make a finite number.
  return text.length <= 308 || Number.isFinite(Number(QUANTITY.exec(text)![1]));
}

/** Why `text` cannot be written to YAML that kubectl and podman read back as written, or undefined. */
export function yamlProblem(text: string): string | undefined {
  return YAML_UNSAFE.test(text) ? 'which kubectl or podman kube play would refuse or misread in YAML' : undefined;
}

/**
 * A duration cdk8s-plus writes as whole seconds: anything else (1.5 s, NaN) makes it throw
 * while writing the manifest, without a construct path. Returns the violation, or undefined.
 */
export function durationViolation(field: string, duration: Duration | undefined): Violation | undefined {
  if (duration === undefined) return undefined;
  if (typeof (duration as Partial<Duration>)?.toSeconds !== 'function') {
    return violation('duration-valid', field, `the duration must be a cdk8s Duration, received ${show(duration)}`, 'use e.g. Duration.seconds(30)');
  }
  const seconds = duration.toSeconds({ integral: false });
  if (Number.isSafeInteger(seconds) && seconds >= 0) return undefined;
  return violation('duration-valid', field, `the duration must be a whole, non-negative number of seconds, received ${show(seconds)} seconds (${show(duration.toMilliseconds())} ms)`,
    'use whole seconds, e.g. Duration.seconds(2) or Duration.minutes(1)');
}

/** Whether `text` is a string that breaks none of the string rules (what `textViolations` checks, without building a message). */
export function isPassableText(text: unknown, extraBytes = 0): boolean {
  return typeof text === 'string' && !YAML_UNSAFE.test(text) && passableProblem(text, extraBytes) === undefined;
}

/**
 * What is wrong with a string the library writes into a container: not a string, not YAML-safe,
 * holding a NUL, or too long for the kernel. `what` starts the problem ("container "x" has the
 * command string"); `extraBytes`, what the kernel adds to it (`NAME=` for a variable).
 */
export function textViolations(field: string, what: string, text: unknown, extraBytes = 0): Violation[] {
  if (typeof text !== 'string') return [violation('string-passable', field, `${what} ${show(text)}, which is not a string`, 'pass a string')];
  const found: Violation[] = [];
  if (YAML_UNSAFE.test(text)) found.push(yamlUnsafe(field, `${what} ${excerpt(text)}`));
  const problem = passableProblem(text, extraBytes);
  if (problem) found.push(violation('string-passable', field, `${what} ${excerpt(text)}, ${problem}`, PASSABLE_FIX));
  return found;
}

/** A required prop a JavaScript (or other jsii-language) caller left out or gave the wrong type. */
export function requiredProp(field: string, value: unknown, expected: string): Violation {
  const received = value === undefined || value === null || typeof value === 'object' ? show(value) : `${typeof value} ${show(value)}`;
  return violation('required-prop', field, `${expected} is required, received ${received}`,
    `pass ${expected}`);
}
