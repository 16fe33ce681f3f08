// Adding containers from props without the throws cdk8s-plus makes while building (no construct
// path, first problem only): what it would throw on is left out and reported as a violation, so
// synth reports every problem at once, with the field.
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ContainerKey, dnsLabelProblem, requiredProp, show, sizeLimitViolation, violation, Violation } from './_pod-rules';
import { PodTemplateRendering } from './_rendering';
import { podSpecPath, renderedStringViolations, WorkloadChecks } from './_workload';
import { PatternContainerProps } from './pattern-container';

/**
 * `props` with `overrides` applied, as a new object. Object.assign rather than a spread: V8
 * makes `{ ...props, key: value }` objects that are several times slower to build, and for
 * cdk8s-plus's Container constructor to read (2.5x to 6x, measured on Node 20), and the
 * patterns make one per container.
 */
export function withOverrides<T extends object>(props: T, overrides: Partial<T>): T {
  return Object.assign({}, props, overrides);
}

/**
 * Adds a container to `pod` from cdk8s-plus props, and what had to be left out to `found`.
 * `field` (with `fieldIndex`, if any: `containers` and 2 make `containers[2]`) names the props in
 * messages; the name is only put together when something is wrong.
 */
export function addContainer(pod: kplus.AbstractPod, props: kplus.ContainerProps, found: Violation[],
  field: string, fieldIndex?: number, kind: ContainerKey = 'containers'): kplus.Container {
  // Fast path, the common case: nothing to drop or rewrite, so the props go to cdk8s-plus as
  // given, and nothing is allocated (this runs for every container of every Pod).
  if (kind === 'containers' && props.port === undefined && !props.ports?.length && (props.portNumber === undefined || props.portNumber)) {
    return addPrepared(pod, props, kind);
  }
  if (fieldIndex !== undefined) field = `${field}[${fieldIndex}]`;
  const index = kind === 'containers' ? pod.containers.length : pod.initContainers.length;
  // Put together only for a message.
  const label = () => `container ${show(renderedName(props.name, kind, index))}`;
  const portField = (j: number) => `${podSpecPath(pod)}.${kind}[${index}].ports[${j}]`;

  // cdk8s-plus turns portNumber into the first port; keep that order, then drop repeats.
  const portNumber = props.portNumber ?? props.port;
  const declared: kplus.ContainerPort[] = [...portNumber !== undefined ? [{ number: portNumber }] : [], ...props.ports ?? []];
  // A single port cannot repeat.
  const ports = declared.length < 2 ? declared : withoutRepeatedPorts(declared, found, portField, label);

  if (props.port !== undefined && props.portNumber !== undefined) {
    found.push(violation('port-unique-in-pod', `${field}.port`, `${label()} sets both the deprecated port (${props.port}) and portNumber (${props.portNumber})`,
      'set portNumber only'));
  }
  if (kind === 'initContainers') {
    const probes = (['readiness', 'liveness', 'startup'] as const).filter(p => props[p] !== undefined);
    for (const probe of probes) {
      found.push(violation('init-container-probes', `${field}.${probe}`,
        `init ${label()} has a ${probe} probe; init containers run to completion and take no probes`,
        `remove the ${probe} probe, or make it an app container or a native sidecar (\`nativeSidecar: true\` on a pattern's helper)`));
    }
    // An init container's portNumber would get cdk8s-plus's default startup probe, which the
    // API server rejects on init containers: declare the ports plainly instead.
    return addPrepared(pod, withOverrides(props, {
      port: undefined, portNumber: undefined, ports, readiness: undefined, liveness: undefined, startup: undefined,
    }), kind);
  }
  // The first port stays `portNumber`, so cdk8s-plus still adds its startup probe for it; but
  // cdk8s-plus silently drops a falsy portNumber (0): that one goes to `ports`, for the range rule.
  const [first, ...rest] = ports;
  const keepsPortNumber = portNumber !== undefined && first !== undefined && Boolean(first.number);
  return addPrepared(pod, withOverrides(props, {
    port: undefined,
    portNumber: keepsPortNumber ? first.number : undefined,
    ports: keepsPortNumber ? rest : ports,
  }), kind);
}

/** `declared` without the ports (number and protocol, or name) a port before them declared, each reported to `found`. */
function withoutRepeatedPorts(declared: kplus.ContainerPort[], found: Violation[],
  portField: (j: number) => string, label: () => string): kplus.ContainerPort[] {
  const seenNumbers = new Set<string>();
  const seenNames = new Set<string>();
  return declared.filter((port, j) => {
    const key = `${port.number}/${port.protocol ?? 'TCP'}`;
    if (seenNumbers.has(key)) {
      found.push(violation('port-unique-in-pod', `${portField(j)}.containerPort`, `${label()} declares port ${key} twice`,
        'declare each port of a container once (portNumber counts as one)'));
      return false;
    }
    if (port.name !== undefined && seenNames.has(port.name)) {
      found.push(violation('port-name-unique', `${portField(j)}.name`, `${label()} declares the port name ${show(port.name)} twice`,
        'give each port of a container its own name'));
      return false;
    }
    seenNumbers.add(key);
    if (port.name !== undefined) seenNames.add(port.name);
    return true;
  });
}

/** A pod that checks what its own `addContainer` is given (a Pod form), and takes prepared props past that check. */
interface PreparedAdder {
  _addPrepared(props: kplus.ContainerProps, kind: ContainerKey): kplus.Container;
}

/** Adds props this module has checked and prepared: to cdk8s-plus, past a Pod form's own check. */
function addPrepared(pod: kplus.AbstractPod, props: kplus.ContainerProps, kind: ContainerKey): kplus.Container {
  const prepared = (pod as Partial<PreparedAdder>)._addPrepared;
  if (prepared) return prepared.call(pod, props, kind);
  return kind === 'containers' ? pod.addContainer(props) : pod.addInitContainer(props);
}

/** The name cdk8s-plus gives a container: its own, or "main" (app) or "init-<i>" (init) when it has none. */
export function renderedName(name: string | undefined, kind: ContainerKey, index: number): string {
  return name ?? (kind === 'initContainers' ? `init-${index}` : 'main');
}

/**
 * Whether `container` mounts `volume` (at `path`, if given). A plain loop, no closure: the
 * patterns' synth-time checks call it for every container of every Pod.
 */
export function mountsVolume(container: kplus.Container, volume: kplus.Volume, path?: string): boolean {
  const mounts = container.mounts;
  for (let j = 0; j < mounts.length; j++) {
    if (mounts[j].volume === volume && (path === undefined || mounts[j].path === path)) return true;
  }
  return false;
}

/**
 * Adds a pattern's container to `workload` (as `addContainer` does, or as a native sidecar) with
 * its scratch volumes, and tells the workload's checks how it runs: a Job cannot complete beside
 * a long-running app container. `scope` holds the volume constructs.
 */
export function addPatternContainer(scope: Construct, workload: kplus.AbstractPod, props: PatternContainerProps, found: Violation[],
  field: string, fieldIndex?: number): kplus.Container {
  const where = fieldIndex === undefined ? field : `${field}[${fieldIndex}]`;
  const checks = WorkloadChecks.of(workload);
  // Not a cdk8s-plus-27 prop: set through a cast, it would vanish from the YAML without a word.
  const restartPolicy: unknown = (props as { restartPolicy?: unknown }).restartPolicy;
  if (restartPolicy !== undefined) {
    found.push(violation('native-sidecar-restart-policy', `${where}.restartPolicy`,
      `cdk8s-plus-27 has no container restartPolicy and would drop it from the YAML, received ${show(restartPolicy)}`,
      'for a native sidecar (an init container with restartPolicy "Always", Kubernetes >= 1.29) set `nativeSidecar: true`; otherwise remove it'));
  }
  props = withPatternDefaults(typedProps(props, where, found));
  let container: kplus.Container;
  if (props.nativeSidecar) {
    container = addNativeSidecar(workload, props, found, field, fieldIndex);
    checks.markNativeSidecar(container);
    if (props.longRunning === false) {
      found.push(violation('native-sidecar-exits', `${where}.longRunning`,
        `container ${show(container.name)} is a native sidecar declared \`longRunning: false\`; the kubelet restarts a native sidecar whenever it exits, so a helper that exits when done would run again and again`,
        'make it a regular container (drop nativeSidecar), or an init container of the Pod if it must finish before the app starts'));
    }
  } else {
    container = addContainer(workload, props, found, field, fieldIndex);
    const serves = container.ports.length > 0;
    if (props.longRunning ?? serves) {
      checks.markLongRunning(container,
        props.longRunning ? 'it is declared `longRunning: true`' : `it declares port ${container.ports[0].number}, so it is taken for a server`);
    }
  }
  renderedExtrasViolations(found, container, props, where);
  checks.markPatternContainer(container);
  // Pod Security "restricted" for a container that runs as non-root; one opted out of non-root
  // (a root image) keeps its capabilities and is "baseline".
  PodTemplateRendering.of(workload).securityDefaults(container, props.securityContext?.ensureNonRoot !== false);
  props.scratchMounts?.forEach((scratch, j) => {
    const at = `${where}.scratchMounts[${j}]`;
    const sizeProblem = scratch.sizeLimit && sizeLimitViolation(`${at}.sizeLimit`, scratch.sizeLimit);
    if (sizeProblem) found.push(sizeProblem);
    // A name given is checked as given (cdk8s-plus would cut a long one silently); a derived one
    // keeps its "-scratch-<j>" and is cut to fit 63 characters (an invalid container name is
    // reported, with the volume named after it, at synth).
    const suffix = `-scratch-${j}`;
    const name = scratch.volume ?? `${container.name.slice(0, 63 - suffix.length)}${suffix}`;
    const nameProblem = scratch.volume !== undefined && dnsLabelProblem(name);
    if (nameProblem) {
      found.push(violation('volume-name-dns-label', `${at}.volume`, `volume name ${show(name)} ${nameProblem}`, 'name the volume with a DNS-1123 label such as "nginx-tmp"'));
      return;
    }
    // The construct id must be unique in `scope` whatever the names are (they are checked at synth).
    const volume = kplus.Volume.fromEmptyDir(scope, `Scratch${scope.node.children.length}`, name, {
      medium: scratch.medium,
      sizeLimit: sizeProblem ? undefined : scratch.sizeLimit,
    });
    container.mount(scratch.path, volume);
  });
  return container;
}

/** What each container prop must be, for callers without TypeScript's types. */
const PROP_TYPES: Array<[keyof PatternContainerProps, string, (v: unknown) => boolean]> = [
  ['name', 'a name (a string)', v => typeof v === 'string'],
  ['command', 'a list of strings', isStringList],
  ['args', 'a list of strings', isStringList],
  ['ports', 'a list of ports', Array.isArray],
  ['portNumber', 'a port number', v => typeof v === 'number'],
  ['volumeMounts', 'a list of mounts', Array.isArray],
  ['envVariables', 'a map of variable names to EnvValues', v => v !== null && typeof v === 'object' && !Array.isArray(v)],
  ['scratchMounts', 'a list of scratch mounts', Array.isArray],
  ['securityContext', 'security context props (an object)', v => v !== null && typeof v === 'object'],
  ['resources', 'container resources (an object)', v => v !== null && typeof v === 'object'],
  ['workingDir', 'a path (a string)', v => typeof v === 'string'],
];

function isStringList(value: unknown): boolean {
  return Array.isArray(value) && value.every(v => typeof v === 'string');
}

/**
 * `props` with every prop of the wrong type reported (and left out, so cdk8s-plus does not
 * throw a bare TypeError or write a value the API server refuses). Also copies the lists
 * cdk8s-plus keeps and then adds to (`volumeMounts`), so two containers given one list do not
 * get each other's mounts.
 */
function typedProps(props: PatternContainerProps, where: string, found: Violation[]): PatternContainerProps {
  // Allocated only when a prop has to be left out or copied: this runs for every container.
  let overrides: Partial<PatternContainerProps> | undefined;
  if (typeof props.image !== 'string') {
    found.push(requiredProp(`${where}.image`, props.image, 'an image (a string such as "nginx:1.27")'));
    overrides = { image: undefined };
  }
  for (const [key, expected, ok] of PROP_TYPES) {
    const value = props[key];
    if (value !== undefined && !ok(value)) {
      found.push(requiredProp(`${where}.${key}`, value, expected));
      overrides = Object.assign(overrides ?? {}, { [key]: undefined });
    }
  }
  if (props.volumeMounts?.length && Array.isArray(props.volumeMounts)) {
    overrides = Object.assign(overrides ?? {}, { volumeMounts: [...props.volumeMounts] });
  }
  return overrides ? withOverrides(props, overrides) : props;
}

/**
 * Adds a native sidecar: a plain init container for cdk8s-plus (it takes no probes), rendered
 * with `restartPolicy: Always` and its probes. Without a startup probe of its own, a sidecar
 * with `portNumber` gets the TCP probe cdk8s-plus gives app containers: the app starts once it listens.
 */
function addNativeSidecar(workload: kplus.AbstractPod, props: PatternContainerProps, found: Violation[],
  field: string, fieldIndex?: number): kplus.Container {
  const portNumber = props.portNumber ?? props.port;
  const probes = {
    startup: props.startup ?? (portNumber ? kplus.Probe.fromTcpSocket({ port: portNumber }) : undefined),
    readiness: props.readiness,
    liveness: props.liveness,
  };
  const container = addContainer(workload, withOverrides(props, { startup: undefined, readiness: undefined, liveness: undefined }),
    found, field, fieldIndex, 'initContainers');
  PodTemplateRendering.of(workload).nativeSidecar(container, probes);
  return container;
}

/**
 * What a pattern container gets where its props say nothing. cdk8s-plus asks 1 CPU and 512Mi
 * for every container (a helper loop then needs a node's worth of CPU): helpers get a CPU
 * request and a memory limit instead, as Kubernetes' docs advise for sidecars, and no CPU limit
 * (which throttles). And the image pull policy is Kubernetes' own default, not cdk8s-plus's
 * `Always`: `Always` for an untagged or `:latest` image, `IfNotPresent` for a tagged or pinned one.
 */
export const PATTERN_RESOURCES: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(50) },
  memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
};

function withPatternDefaults(props: PatternContainerProps): PatternContainerProps {
  if (props.resources !== undefined && props.imagePullPolicy !== undefined) return props;
  return withOverrides(props, {
    resources: props.resources ?? PATTERN_RESOURCES,
    imagePullPolicy: props.imagePullPolicy ?? kubernetesPullPolicy(props.image),
  });
}

/** Kubernetes' default pull policy for an image reference (what the API server fills in). */
export function kubernetesPullPolicy(image: string): kplus.ImagePullPolicy {
  if (typeof image !== 'string') return kplus.ImagePullPolicy.ALWAYS;
  if (image.includes('@')) return kplus.ImagePullPolicy.IF_NOT_PRESENT;
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : undefined;
  return tag === undefined || tag === 'latest' ? kplus.ImagePullPolicy.ALWAYS : kplus.ImagePullPolicy.IF_NOT_PRESENT;
}

/**
 * Adds one of a pattern Pod's own init containers (its `initContainers` prop), with the
 * defaults and security fields every pattern container gets.
 */
export function addPatternInitContainer(pod: kplus.AbstractPod, props: kplus.ContainerProps, found: Violation[], i: number): kplus.Container {
  const container = addContainer(pod, withPatternDefaults(props), found, 'initContainers', i, 'initContainers');
  PodTemplateRendering.of(pod).securityDefaults(container, props.securityContext?.ensureNonRoot !== false);
  return container;
}

/**
 * The probes and lifecycle hooks of a pattern container, rendered now as cdk8s-plus will render
 * them: a duration that is not whole seconds would make it throw while writing the manifest
 * (after other charts may have been written), and their strings obey the rules a container's
 * command does. Native sidecars' probes are written by the library: the same holds.
 */
function renderedExtrasViolations(found: Violation[], container: kplus.Container, props: PatternContainerProps, where: string): void {
  if (props.readiness === undefined && props.liveness === undefined && props.startup === undefined
    && props.lifecycle === undefined && props.workingDir === undefined) return;
  const rendered: Record<string, unknown> = { workingDir: props.workingDir, lifecycle: {} };
  const extras: Array<[string, string, { _toKube(c: kplus.Container): unknown } | undefined, (json: any) => unknown]> = [
    ['readiness', 'readinessProbe', props.readiness, kplus.k8s.toJson_Probe],
    ['liveness', 'livenessProbe', props.liveness, kplus.k8s.toJson_Probe],
    ['startup', 'startupProbe', props.startup, kplus.k8s.toJson_Probe],
    ['lifecycle.postStart', 'postStart', props.lifecycle?.postStart, kplus.k8s.toJson_LifecycleHandler],
    ['lifecycle.preStop', 'preStop', props.lifecycle?.preStop, kplus.k8s.toJson_LifecycleHandler],
  ];
  for (const [name, key, extra, toJson] of extras) {
    if (extra === undefined) continue;
    try {
      const json = toJson(extra._toKube(container));
      if (key === 'postStart' || key === 'preStop') (rendered.lifecycle as Record<string, unknown>)[key] = json;
      else rendered[key] = json;
    } catch (e) {
      found.push(violation('duration-valid', `${where}.${name}`, `container ${show(container.name)}'s ${name} cannot be written: ${(e as Error).message}`,
        'give its durations in whole seconds, e.g. Duration.seconds(5)'));
    }
  }
  found.push(...renderedStringViolations(rendered, where, () => `container ${show(container.name)}`));
}
