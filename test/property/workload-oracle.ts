// The oracle for workloads of every kind with patterns applied to them, written from Kubernetes'
// rules and the constructs' documented behaviour, without calling the library: it replays a
// model's steps on a Pod of its own (which containers, in which list and place, with which
// ports, mounts, environment and probes), noting what each pattern reports while building (at
// the pattern's construct path, with props fields), then predicts what the workload's check
// reports at synth (at the workload's construct path, in the kind's field paths): the
// cross-container rules over the whole pod template, the patterns' late rules, the kind's rules.
//
// For a configuration that synthesizes, the same replay says what the YAML must hold
// (`workloadFunctional`), and `workloadInvariantViolations` checks any workload manifest the way
// the API server would, for what its OpenAPI schema cannot express.
import { ContainerModel, PortModel, SharedMountModel } from './model';
import {
  Expectation, isAbsolutePath, isBadSubPath, isDnsLabel, isPort, isPortName, isUsableSize, isYamlUnsafeString, kplusVolumeName, mebibytesOf,
  mountPoint, q,
  quotedExcerpt, readinessProblem, SHM_PATH, SHM_VOLUME,
} from './oracle';
import {
  patternPath, ProducerModel, SharedVolumeContainerModel, StepModel, WORKLOAD_PATH, WorkloadKind, WorkloadModel,
} from './workload-model';

/** An expectation with the construct path its message must be prefixed with. */
export interface PathExpectation extends Expectation {
  readonly path: string;
}

/** Where the pod spec is in the YAML of each kind. */
export function specPathOf(kind: string): string {
  return kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
}

/** The restart policy each kind's Pods get from cdk8s-plus when none is given. */
const DEFAULT_POLICY: Record<WorkloadKind, string> = { Pod: 'Always', Deployment: 'Always', StatefulSet: 'Always', DaemonSet: 'Always', Job: 'Never', CronJob: 'Never' };
const KEEPS_RUNNING: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'];
const COMPLETES: readonly string[] = ['Job', 'CronJob'];

// ---------------------------------------------------------------------------------------------
// The replayed Pod

interface Vol {
  readonly name: string;
  /** As rendered: `Memory`, or `""` for EmptyDirMedium.DEFAULT given explicitly. */
  readonly medium?: 'Memory' | '';
  /** As rendered, `<n>Mi`; undefined when none (or when an unusable one was left out). */
  readonly sizeLimit?: string;
}
interface Mount { readonly volume: Vol; readonly path: string; readonly subPath?: string; readonly readOnly?: boolean }
interface Port { readonly containerPort: number; readonly protocol: string; readonly name?: string; readonly hostPort?: number }
/** A probe as it must be rendered: none, cdk8s-plus's TCP probe on a port, or a command. */
type ProbeShape = undefined | { readonly tcp: number } | { readonly exec: readonly string[] };

interface Box {
  readonly name: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly ports: readonly Port[];
  readonly mounts: Mount[];
  readonly env: Record<string, string>;
  readonly list: 'containers' | 'initContainers';
  readonly index: number;
  /** An init container with restartPolicy Always: it runs beside the app containers, in their port space. */
  readonly native: boolean;
  /** Added by a pattern: the Pod Security defaults, helper resources, Kubernetes' pull policy. */
  readonly pattern: boolean;
  /** A plain init container of other code with a (truthy) portNumber: cdk8s-plus gives it a TCP startup probe. */
  readonly probePort?: number;
  readonly startup: ProbeShape;
  readonly readiness: boolean;
  readonly liveness: boolean;
  /** What its postStart hook runs: the user's, the producer's wait, or none. */
  readonly postStart?: 'user' | 'wait';
  /** Why it keeps running (a pattern's app container declared so, or serving a port). */
  readonly longRunning?: string;
  /** The IPC consumer's wrapped command: it runs `/bin/sh -c <wait> wait-for-producer` then these. */
  readonly waitsThenRuns?: readonly string[];
}

const PROBE_EXEC = ['true'];
const READINESS_PROBE = 'readiness';

class Replay {
  readonly out: PathExpectation[] = [];
  readonly app: Box[] = [];
  readonly init: Box[] = [];
  /** Volumes added to the workload (`addVolume`), in order. */
  readonly added: Vol[] = [];
  /** Checks patterns make at synth, over the Pod as it is then. */
  readonly late: Array<() => void> = [];
  /** Known library bugs this configuration runs into (see knownBugsOf). */
  readonly bugs = new Set<string>();
  readonly spec: string;

  constructor(readonly model: WorkloadModel) {
    this.spec = specPathOf(model.kind);
  }

  expect(path: string, rule: string, field: string | RegExp, mentions?: string | readonly string[]): void {
    this.out.push({ path, rule, field, mentions });
  }

  /** `[...workload.containers, ...workload.initContainers]`. */
  all(): Box[] {
    return [...this.app, ...this.init];
  }

  push(box: Omit<Box, 'list' | 'index'>, list: Box['list']): Box {
    const target = list === 'containers' ? this.app : this.init;
    const placed: Box = { ...box, list, index: target.length };
    target.push(placed);
    return placed;
  }
}

/** A volume of the container's own (a new Volume object per mount): cdk8s-plus cuts its name to 63 characters. */
function ownMounts(c: ContainerModel): Mount[] {
  return (c.volumeMounts ?? []).map(vm => ({ volume: { name: kplusVolumeName(vm.volume) }, path: vm.path, subPath: vm.subPath }));
}

function probesOf(c: ContainerModel) {
  return { readiness: !!c.probes?.includes('readiness'), liveness: !!c.probes?.includes('liveness'), userStartup: !!c.probes?.includes('startup') };
}

const port = (p: PortModel): Port => ({ containerPort: p.number, protocol: p.protocol ?? 'TCP', name: p.name, hostPort: p.hostPort });

/** A container other code adds straight to cdk8s-plus: `portNumber` (when truthy) first, then `ports`; named `main` or `init-<i>`. */
function otherCodeContainer(r: Replay, c: ContainerModel, list: Box['list']): Box {
  const ports = [...c.portNumber ? [{ containerPort: c.portNumber, protocol: 'TCP' }] : [], ...(c.ports ?? []).map(port)];
  const probes = probesOf(c);
  return r.push({
    name: c.name ?? (list === 'containers' ? 'main' : `init-${r.init.length}`),
    image: c.image,
    command: c.command ?? [],
    args: c.args ?? [],
    ports,
    mounts: ownMounts(c),
    env: { ...c.env },
    native: false,
    pattern: false,
    probePort: list === 'initContainers' && c.portNumber ? c.portNumber : undefined,
    startup: probes.userStartup ? { exec: PROBE_EXEC } : c.portNumber ? { tcp: c.portNumber } : undefined,
    readiness: probes.readiness,
    liveness: probes.liveness,
  }, list);
}

interface PatternContainerExtras {
  /** Environment variables the pattern injects (the sidecar's own win). */
  readonly env?: Record<string, string>;
  /** The producer's startup probe under StartupGate.NATIVE_SIDECAR (the readiness condition). */
  readonly startup?: ProbeShape;
  readonly postStart?: 'user' | 'wait';
  readonly waitsThenRuns?: readonly string[];
}

/**
 * A pattern's container, as documented: `portNumber` (or the deprecated `port`) first, whatever
 * its value, then `ports`, a port whose number and protocol or name an earlier one of the
 * container has left out and reported (at the pattern, in the kind's field path); a native
 * sidecar goes to the init containers with its probes, an app container that serves a port or is
 * declared `longRunning` keeps running; scratch mounts are private emptyDirs named
 * `<container>-scratch-<j>` unless named.
 */
function patternContainer(r: Replay, n: number, c: ContainerModel & { readonly postStart?: boolean }, where: string,
  extras: PatternContainerExtras = {}): Box {
  const path = patternPath(n);
  const name = c.name!;
  const label = `container ${q(name)}`;
  if (c.restartPolicy !== undefined) r.expect(path, 'native-sidecar-restart-policy', `${where}.restartPolicy`, `received ${q(c.restartPolicy)}`);
  const native = !!c.nativeSidecar;
  const list = native ? 'initContainers' : 'containers';
  const index = native ? r.init.length : r.app.length;
  const first = c.portNumber ?? c.port;
  const declared: Port[] = [...first !== undefined ? [{ containerPort: first, protocol: 'TCP' }] : [], ...(c.ports ?? []).map(port)];
  if (c.port !== undefined && c.portNumber !== undefined) r.expect(path, 'port-unique-in-pod', `${where}.port`, [label, `(${c.port})`]);
  const keys = new Set<string>();
  const names = new Set<string>();
  const ports: Port[] = [];
  declared.forEach((p, j) => {
    const at = `${r.spec}.${list}[${index}].ports[${j}]`;
    const key = `${p.containerPort}/${p.protocol}`;
    if (keys.has(key)) {
      r.expect(path, 'port-unique-in-pod', `${at}.containerPort`, [label, `${key} twice`]);
    } else if (p.name !== undefined && names.has(p.name)) {
      r.expect(path, 'port-name-unique', `${at}.name`, [label, q(p.name)]);
    } else {
      keys.add(key);
      if (p.name !== undefined) names.add(p.name);
      ports.push(p);
    }
  });
  const probes = probesOf(c);
  // cdk8s-plus's TCP startup probe: on the port `portNumber` names, when it is a real (truthy) number.
  const tcp = first ? { tcp: first } : undefined;
  let longRunning: string | undefined;
  if (native) {
    if (c.longRunning === false) r.expect(path, 'native-sidecar-exits', `${where}.longRunning`, label);
  } else if (c.longRunning ?? ports.length > 0) {
    longRunning = c.longRunning ? 'it is declared `longRunning: true`' : `it declares port ${ports[0].containerPort}, so it is taken for a server`;
  }
  const box = r.push({
    name,
    image: c.image,
    command: c.command ?? [],
    args: c.args ?? [],
    ports,
    mounts: ownMounts(c),
    env: { ...extras.env, ...c.env },
    native,
    pattern: true,
    startup: 'startup' in extras ? extras.startup : probes.userStartup ? { exec: PROBE_EXEC } : tcp,
    readiness: probes.readiness,
    liveness: probes.liveness,
    postStart: extras.postStart ?? (c.postStart ? 'user' : undefined),
    longRunning,
    waitsThenRuns: extras.waitsThenRuns,
  }, list);
  (c.scratchMounts ?? []).forEach((s, j) => {
    const usable = !s.sizeLimit || isUsableSize(s.sizeLimit);
    if (!usable) r.expect(path, 'size-limit-valid', `${where}.scratchMounts[${j}].sizeLimit`);
    // A name the user gave is checked as given (and the mount left out); a derived one is
    // `<container>-scratch-<j>`, the container's name cut to fit 63 characters.
    if (s.volume !== undefined && !isDnsLabel(s.volume)) {
      r.expect(path, 'volume-name-dns-label', `${where}.scratchMounts[${j}].volume`, [q(s.volume)]);
      return;
    }
    const suffix = `-scratch-${j}`;
    const volume: Vol = {
      name: s.volume ?? `${name.slice(0, 63 - suffix.length)}${suffix}`,
      medium: s.medium,
      sizeLimit: s.sizeLimit && usable ? `${mebibytesOf(s.sizeLimit)}Mi` : undefined,
    };
    box.mounts.push({ volume, path: s.path });
  });
  return box;
}

// ---------------------------------------------------------------------------------------------
// The patterns

/** SharedVolumes' volumes: each declared name a DNS-1123 label, declared once, and not a volume the workload already has. */
function sharedVolumes(r: Replay, n: number, step: Extract<StepModel, { op: 'SharedVolumes' }>): SharedPattern {
  const path = patternPath(n);
  const declared = step.volumes ?? [{ name: 'shared-data' }];
  const kept: Array<{ index: number; volume: Vol }> = [];
  const leftOut = new Set<string>();
  declared.forEach((v, i) => {
    let rule: string | undefined;
    if (!isDnsLabel(v.name)) rule = 'volume-name-dns-label';
    else if (kept.some(k => k.volume.name === v.name) || r.added.some(a => a.name === v.name)) rule = 'volume-name-unique';
    if (rule) {
      r.expect(path, rule, `volumes[${i}].name`, q(v.name));
      leftOut.add(v.name);
      return;
    }
    const usable = !v.sizeLimit || isUsableSize(v.sizeLimit);
    if (!usable) r.expect(path, 'size-limit-valid', `volumes[${i}].sizeLimit (volume ${q(v.name)})`);
    const volume: Vol = { name: v.name, medium: v.medium, sizeLimit: v.sizeLimit && usable ? `${mebibytesOf(v.sizeLimit)}Mi` : undefined };
    kept.push({ index: i, volume });
    r.added.push(volume);
  });
  const pattern: SharedPattern = { n, declared: declared.map(v => v.name), kept, leftOut, count: 0 };
  r.late.push(() => {
    for (const { index, volume } of kept) {
      const users = r.all().filter(c => c.mounts.some(m => m.volume === volume));
      if (users.length < 2) {
        r.expect(path, 'shared-volume-shared', `volumes[${index}] (volume ${q(volume.name)})`, users.length ? `only ${q(users[0].name)} mounts it` : 'none mounts it');
      }
    }
  });
  (step.containers ?? []).forEach(c => sharedContainer(r, pattern, c));
  return pattern;
}

interface SharedPattern {
  readonly n: number;
  readonly declared: string[];
  readonly kept: Array<{ index: number; volume: Vol }>;
  readonly leftOut: Set<string>;
  count: number;
}

function sharedContainer(r: Replay, p: SharedPattern, c: SharedVolumeContainerModel): void {
  const i = p.count++;
  const box = patternContainer(r, p.n, { ...c, name: c.name ?? `container-${i}` }, `containers[${i}]`);
  sharedMounts(r, p, box, c.sharedMounts ?? [], `containers[${i}].sharedMounts`);
}

/** A mount without `volume` means the only declared volume; one of a volume reported (and left out) is not reported again. */
function sharedMounts(r: Replay, p: SharedPattern, box: Box, mounts: readonly SharedMountModel[], field: string): void {
  mounts.forEach((s, j) => {
    const name = s.volume ?? (p.declared.length === 1 ? p.declared[0] : undefined);
    const volume = p.kept.find(k => k.volume.name === name)?.volume;
    if (volume) {
      box.mounts.push({ volume, path: s.path, subPath: s.subPath, readOnly: s.readOnly });
    } else if (name === undefined || !p.leftOut.has(name)) {
      r.expect(patternPath(p.n), 'mount-volume-exists', `${field}[${j}].volume`, `container ${q(box.name)}`);
    }
  });
}

interface IpcPattern {
  readonly n: number;
  readonly consumerWaits: boolean;
  readonly shm?: Vol;
  consumers: number;
}

function ipc(r: Replay, n: number, step: Extract<StepModel, { op: 'IpcProducerConsumer' }>): IpcPattern {
  const path = patternPath(n);
  const problem = readinessProblem(step.readiness);
  if (problem) r.expect(path, 'ipc-readiness-valid', 'readiness');
  const gate = step.startupGate ?? 'CONSUMER_WAITS';
  const gated = step.readiness.kind !== 'none' && !problem;
  const consumerWaits = gated && (gate === 'CONSUMER_WAITS' || gate === 'BOTH');
  const producerHook = gated && (gate === 'PRODUCER_POST_START' || gate === 'BOTH');
  let producer: ProducerModel = { ...step.producer, name: step.producer.name ?? 'producer' };
  let postStart: 'user' | 'wait' | undefined = producer.postStart ? 'user' : undefined;
  if (producerHook) {
    if (producer.postStart) r.expect(path, 'ipc-producer-post-start', 'producer.lifecycle.postStart');
    else postStart = 'wait';
  }
  const extras: { -readonly [K in keyof PatternContainerExtras]: PatternContainerExtras[K] } = { postStart };
  if (gate === 'NATIVE_SIDECAR') {
    // The gate makes the producer a native sidecar whose startup probe tests the readiness condition.
    if (producer.longRunning === undefined) r.expect(path, 'native-sidecar-exits', 'producer.longRunning', 'received undefined');
    const userStartup = !!producer.probes?.includes('startup');
    if (gated && userStartup) r.expect(path, 'ipc-producer-startup-probe', 'producer.startup');
    if (gated && !userStartup) extras.startup = { exec: [READINESS_PROBE] };
    producer = { ...producer, nativeSidecar: true };
  }
  patternContainer(r, n, producer, 'producer', extras);
  let shm: Vol | undefined;
  if (step.shmSize) {
    const usable = isUsableSize(step.shmSize);
    if (!usable) r.expect(path, 'size-limit-valid', 'shmSize');
    shm = { name: SHM_VOLUME, medium: 'Memory', sizeLimit: usable ? `${mebibytesOf(step.shmSize)}Mi` : undefined };
    // Every container of the workload so far mounts it (init containers first, as the library lists them).
    for (const c of [...r.init, ...r.app]) c.mounts.push({ volume: shm, path: SHM_PATH });
    const volume = shm;
    r.late.push(() => {
      const check = (list: Box[], key: string) => list.forEach((c, i) => {
        if (!c.mounts.some(m => m.volume === volume && m.path === SHM_PATH)) {
          r.expect(path, 'shm-mounted-everywhere', `${r.spec}.${key}[${i}].volumeMounts`, `container ${q(c.name)}`);
        }
      });
      check(r.app, 'containers');
      check(r.init, 'initContainers');
    });
  }
  const pattern: IpcPattern = { n, consumerWaits, shm, consumers: 0 };
  consumer(r, pattern, step.consumer, 'consumer');
  return pattern;
}

function consumer(r: Replay, p: IpcPattern, c: ContainerModel, field?: string): void {
  const k = p.consumers++;
  const name = c.name ?? (k === 0 ? 'consumer' : `consumer-${k}`);
  const where = field ?? `addConsumer(${q(name)})`;
  let model: ContainerModel = { ...c, name };
  let waitsThenRuns: string[] | undefined;
  if (p.consumerWaits) {
    if (!c.command?.length) {
      r.expect(patternPath(p.n), 'ipc-consumer-command', `${where}.command`);
    } else {
      // The consumer runs the wait script, given the condition, the timing and the give-up message
      // as data (safe strings, from the pools), which then execs its command and args ("$@").
      waitsThenRuns = [...c.command, ...c.args ?? []];
      model = {
        ...model,
        command: ['/bin/sh', '-c', 'until /bin/sh -c "$condition"; do ...', 'wait-for-producer', 'condition', 'tries', 'seconds', 'message', ...waitsThenRuns],
        args: undefined,
      };
    }
  }
  const box = patternContainer(r, p.n, model, where, { waitsThenRuns });
  if (p.shm) box.mounts.push({ volume: p.shm, path: SHM_PATH });
}

interface LocalhostPattern {
  readonly n: number;
  readonly address: Record<string, string>;
  sidecars: number;
}

function localhost(r: Replay, n: number, step: Extract<StepModel, { op: 'LocalhostSidecars' }>): LocalhostPattern {
  const main = patternContainer(r, n, { ...step.main, name: step.main.name ?? 'main' }, 'main');
  // The main container's first port, as rendered (a portNumber of 0 is a port, out of range).
  const mainPort = main.ports[0]?.containerPort;
  if (mainPort === undefined) r.expect(patternPath(n), 'localhost-main-port', 'main.ports', `the main container ${q(main.name)} declares no port`);
  const address: Record<string, string> = mainPort === undefined || step.exposeMainAddress === false ? {} : { MAIN_HOST: 'localhost', MAIN_PORT: String(mainPort), MAIN_URL: `http://localhost:${mainPort}` };
  const pattern: LocalhostPattern = { n, address, sidecars: 0 };
  step.sidecars.forEach(s => sidecar(r, pattern, s));
  return pattern;
}

function sidecar(r: Replay, p: LocalhostPattern, s: ContainerModel): void {
  const i = p.sidecars++;
  patternContainer(r, p.n, { ...s, name: s.name ?? `sidecar-${i}` }, `sidecars[${i}]`, { env: p.address });
}

// ---------------------------------------------------------------------------------------------
// The workload's own check, at synth

/** The cross-container rules, over the Pod as the replay left it. */
function podRules(r: Replay): void {
  const at = (rule: string, field: string | RegExp, mentions?: string | readonly string[]) => r.expect(WORKLOAD_PATH, rule, field, mentions);
  const spec = r.spec;
  // Volumes as cdk8s-plus renders them: those the app containers mount, then the init containers', then the added ones.
  const volumeField = new RegExp(`^${spec.replace(/\./g, '\\.')}\\.volumes\\[\\d+\\]\\.name$`);
  const seen = new Set<Vol>();
  const names = new Set<string>();
  for (const volume of [...r.app.flatMap(c => c.mounts.map(m => m.volume)), ...r.init.flatMap(c => c.mounts.map(m => m.volume)), ...r.added]) {
    if (seen.has(volume)) continue;
    seen.add(volume);
    if (!isDnsLabel(volume.name)) at('volume-name-dns-label', volumeField, q(volume.name));
    if (names.has(volume.name)) at('volume-name-unique', volumeField, q(volume.name));
    names.add(volume.name);
  }
  // A pod spec needs an app container: native sidecars do not count.
  if (r.app.length === 0) at('container-count', `${spec}.containers`, 'at least 1 app container');
  const containerNames = new Set<string>();
  // App containers and native sidecars run together: one network namespace, one node's host ports.
  const podPorts = new Set<string>();
  const hostPorts = new Set<string>();
  for (const c of [...r.app, ...r.init]) {
    const field = `${spec}.${c.list}[${c.index}]`;
    const label = `container ${q(c.name)}`;
    if (!isDnsLabel(c.name)) at('container-name-dns-label', `${field}.name`, q(c.name));
    if (containerNames.has(c.name)) at('container-name-unique', `${field}.name`, q(c.name));
    containerNames.add(c.name);
    if (c.image.trim() === '') at('image-set', `${field}.image`, q(c.image));
    for (const what of ['command', 'args'] as const) {
      c[what].forEach((text, j) => {
        if (isYamlUnsafeString(text)) at('yaml-safe-strings', `${field}.${what}[${j}]`, [label, `the ${what} string ${quotedExcerpt(text)}`]);
      });
    }
    if (c.probePort !== undefined) at('init-container-probes', `${field}.startupProbe`, [`init ${label}`, `portNumber ${c.probePort}`]);
    const portNames = new Set<string>();
    c.ports.forEach((p, j) => {
      const pf = `${field}.ports[${j}]`;
      if (p.name !== undefined && portNames.has(p.name)) at('port-name-unique', `${pf}.name`, q(p.name));
      if (p.name !== undefined) portNames.add(p.name);
      if (!isPort(p.containerPort)) at('port-range', `${pf}.containerPort`, q(p.containerPort));
      if (p.hostPort !== undefined && !isPort(p.hostPort)) at('port-range', `${pf}.hostPort`, q(p.hostPort));
      if (p.name !== undefined && !isPortName(p.name)) at('port-name-valid', `${pf}.name`, q(p.name));
      // Plain init containers run before the app containers, one at a time: their ports collide with nothing.
      if (c.list === 'initContainers' && !c.native) return;
      const key = `${p.containerPort}/${p.protocol}`;
      if (podPorts.has(key)) at('port-unique-in-pod', `${pf}.containerPort`, key);
      podPorts.add(key);
      if (p.hostPort !== undefined) {
        const hostKey = `${p.hostPort}/${p.protocol}`;
        if (hostPorts.has(hostKey)) at('host-port-unique', `${pf}.hostPort`, hostKey);
        hostPorts.add(hostKey);
      }
    });
    const points = new Set<string>();
    c.mounts.forEach((m, k) => {
      const mf = `${field}.volumeMounts[${k}]`;
      if (!isAbsolutePath(m.path)) at('mount-path-valid', `${mf}.mountPath`, q(m.path));
      if (isBadSubPath(m.subPath)) at('mount-sub-path-valid', `${mf}.subPath`, q(m.subPath));
      const point = mountPoint(m.path);
      if (points.has(point)) at('mount-path-unique', `${mf}.mountPath`, q(m.path));
      points.add(point);
    });
  }
}

/** The kind's rules: its restart policy, helpers that keep a Job from completing, a StatefulSet's Service ports. */
function kindRules(r: Replay): void {
  const m = r.model;
  const policy = m.restartPolicy ?? DEFAULT_POLICY[m.kind];
  const field = `${r.spec}.restartPolicy`;
  if (KEEPS_RUNNING.includes(m.kind) && policy !== 'Always') r.expect(WORKLOAD_PATH, 'workload-restart-policy', field, [`a ${m.kind} keeps its Pods running`, `received ${q(policy)}`]);
  if (COMPLETES.includes(m.kind)) {
    if (policy === 'Always') r.expect(WORKLOAD_PATH, 'workload-restart-policy', field, [`a ${m.kind}'s Pods run to completion`, `received ${q(policy)}`]);
    for (const c of r.app) {
      if (c.longRunning) r.expect(WORKLOAD_PATH, 'job-long-running-helper', `${r.spec}.containers[${c.index}]`, [`container ${q(c.name)} keeps running (${c.longRunning})`, `the ${m.kind}'s Pod never completes`]);
    }
  }
  if (m.kind === 'StatefulSet' && !m.ownService) {
    // cdk8s-plus built the headless Service from the first containers' ports; bound ports join it.
    const served = new Set([
      ...(m.initial ?? []).flatMap(c => [...c.portNumber ? [{ number: c.portNumber }] : [], ...c.ports ?? []]).map(p => `${p.number}/${p.protocol ?? 'TCP'}`),
      ...m.steps.flatMap(s => (s.op === 'bind' ? [`${s.port}/TCP`] : [])),
    ]);
    for (const c of r.app) {
      c.ports.forEach((p, j) => {
        const key = `${p.containerPort}/${p.protocol}`;
        if (!served.has(key)) r.expect(WORKLOAD_PATH, 'statefulset-service-ports', `${r.spec}.containers[${c.index}].ports[${j}]`, [`container ${q(c.name)} declares port ${key}`]);
      });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The prediction

export interface WorkloadPrediction {
  readonly expectations: PathExpectation[];
  readonly knownBugs: string[];
  /** The Pod as replayed, for the functional checks of a configuration that synthesizes. */
  readonly replay: Replay;
}

export function expectWorkload(m: WorkloadModel): WorkloadPrediction {
  const r = new Replay(m);
  for (const c of m.initial ?? []) otherCodeContainer(r, c, 'containers');
  const shared = new Map<number, SharedPattern>();
  const ipcs = new Map<number, IpcPattern>();
  const locals = new Map<number, LocalhostPattern>();
  m.steps.forEach((step, n) => {
    switch (step.op) {
      case 'addContainer': otherCodeContainer(r, step.container, 'containers'); break;
      case 'addInitContainer': otherCodeContainer(r, step.container, 'initContainers'); break;
      case 'addVolume': r.added.push({ name: kplusVolumeName(step.name) }); break;
      case 'SharedVolumes': shared.set(n, sharedVolumes(r, n, step)); break;
      case 'IpcProducerConsumer': ipcs.set(n, ipc(r, n, step)); break;
      case 'LocalhostSidecars': locals.set(n, localhost(r, n, step)); break;
      // One pattern container, its props the field `props`, named `helper` by default.
      case 'HelperContainer': patternContainer(r, n, { ...step.container, name: step.container.name ?? 'helper' }, 'props'); break;
      case 'addSharedContainer': sharedContainer(r, shared.get(step.pattern)!, step.container); break;
      case 'addMounts': {
        const target = r.all()[step.container];
        sharedMounts(r, shared.get(step.pattern)!, target, step.mounts, `addMounts(${q(target.name)})`);
        break;
      }
      case 'addConsumer': consumer(r, ipcs.get(step.pattern)!, step.consumer); break;
      case 'addSidecar': sidecar(r, locals.get(step.pattern)!, step.sidecar); break;
      case 'bind': break;
    }
  });
  podRules(r);
  for (const check of r.late) check();
  kindRules(r);
  return { expectations: r.out, knownBugs: knownBugsOf(m, r), replay: r };
}

/**
 * Known library bugs the workload properties found, each pinned by a `test.failing` in
 * regressions.test.ts: the properties skip exactly these inputs until it is fixed (run with
 * FC_INCLUDE_KNOWN_BUGS=K15 to see its shrunk counterexample). Remove an entry with its fix.
 */
function knownBugsOf(_m: WorkloadModel, r: Replay): string[] {
  return [...r.bugs];
}

// ---------------------------------------------------------------------------------------------
// What a synthesized workload must hold

/** The documents the kind's YAML holds: a StatefulSet comes with its Service (its own, or the headless one cdk8s-plus makes). */
export function expectedKinds(m: WorkloadModel): string[] {
  return m.kind === 'StatefulSet' ? ['Service', 'StatefulSet'] : [m.kind];
}

/** Kubernetes' default pull policy: `Always` for an untagged or `:latest` image, else `IfNotPresent`. */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const name = image.split('/').pop() ?? '';
  const colon = name.indexOf(':');
  const tag = colon < 0 ? undefined : name.slice(colon + 1);
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function probeShape(rendered: any): ProbeShape { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (rendered === undefined) return undefined;
  if (rendered.tcpSocket) return { tcp: rendered.tcpSocket.port };
  const command: string[] = rendered.exec?.command ?? [];
  // The readiness condition, tested with `sh -c`.
  return { exec: command[0] === '/bin/sh' && command[1] === '-c' ? [READINESS_PROBE] : command };
}

/** What the YAML of a workload that synthesized must hold, from the replay. */
/* eslint-disable @typescript-eslint/no-explicit-any */
export function workloadFunctional(docs: any[], p: WorkloadPrediction): string[] {
  const r = p.replay;
  const failures: string[] = [];
  const doc = docs.find(d => d?.kind === r.model.kind);
  const spec = specOf(doc);
  if (!spec) return [`no ${r.model.kind} with a pod spec in the YAML`];
  const policy = r.model.restartPolicy ?? DEFAULT_POLICY[r.model.kind];
  if (spec.restartPolicy !== policy) failures.push(`restartPolicy should be ${policy}, is ${spec.restartPolicy}`);
  for (const list of ['containers', 'initContainers'] as const) {
    const boxes = list === 'containers' ? r.app : r.init;
    const rendered: any[] = spec[list] ?? [];
    if (rendered.length !== boxes.length) failures.push(`${list}: expected ${boxes.map(b => b.name).join(', ') || 'none'}, got ${rendered.map(c => c.name).join(', ') || 'none'}`);
    boxes.forEach(b => {
      const c = rendered[b.index];
      const at = `${list}[${b.index}] (${b.name})`;
      if (!c) return;
      if (c.name !== b.name) failures.push(`${at}: named ${q(c.name)}`);
      const mounts = (c.volumeMounts ?? []).map((x: any) => ({
        name: x.name, mountPath: x.mountPath, subPath: x.subPath, readOnly: x.readOnly || undefined,
      }));
      const want = b.mounts.map(x => ({ name: x.volume.name, mountPath: x.path, subPath: x.subPath, readOnly: x.readOnly || undefined }));
      if (!same(mounts, want)) failures.push(`${at}: volumeMounts should be ${JSON.stringify(want)}, are ${JSON.stringify(mounts)}`);
      const ports = (c.ports ?? []).map((x: any) => `${x.containerPort}/${x.protocol ?? 'TCP'}`);
      if (!same(ports, b.ports.map(x => `${x.containerPort}/${x.protocol}`))) failures.push(`${at}: ports ${JSON.stringify(ports)}`);
      if (b.waitsThenRuns) {
        // /bin/sh -c <fixed script> wait-for-producer <condition> <tries> <seconds> <give-up message> <command...>
        const [sh, dashC, script, name, condition, , , , ...rest] = c.command ?? [];
        if (sh !== '/bin/sh' || dashC !== '-c' || !String(script).includes('until /bin/sh -c "$condition"') || name !== 'wait-for-producer'
          || typeof condition !== 'string' || !same(rest, b.waitsThenRuns) || c.args !== undefined) {
          failures.push(`${at}: should wait for the producer, then exec ${JSON.stringify(b.waitsThenRuns)}; runs ${JSON.stringify(c.command)} ${JSON.stringify(c.args)}`);
        }
      } else if (!same(c.command ?? [], b.command) || !same(c.args ?? [], b.args)) {
        failures.push(`${at}: command ${JSON.stringify(c.command)} args ${JSON.stringify(c.args)}, expected ${JSON.stringify(b.command)} ${JSON.stringify(b.args)}`);
      }
      const env = Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value]));
      if (!same(Object.keys(env).sort(), Object.keys(b.env).sort()) || Object.entries(b.env).some(([k, v]) => env[k] !== v)) {
        failures.push(`${at}: env should be ${JSON.stringify(b.env)}, is ${JSON.stringify(env)}`);
      }
      if (!same(probeShape(c.startupProbe), b.startup)) failures.push(`${at}: startupProbe should be ${JSON.stringify(b.startup)}, is ${JSON.stringify(c.startupProbe)}`);
      if ((c.readinessProbe !== undefined) !== b.readiness) failures.push(`${at}: readinessProbe ${JSON.stringify(c.readinessProbe)}`);
      if ((c.livenessProbe !== undefined) !== b.liveness) failures.push(`${at}: livenessProbe ${JSON.stringify(c.livenessProbe)}`);
      const hook = c.lifecycle?.postStart?.exec?.command;
      const hookShape = hook === undefined ? undefined : hook[0] === '/bin/sh' && hook[1] === '-c' && String(hook[2]).includes('until ') ? 'wait' : 'user';
      if (hookShape !== b.postStart) failures.push(`${at}: postStart should be ${b.postStart ?? 'none'}, is ${JSON.stringify(hook)}`);
      const policyOf = c.restartPolicy;
      if (b.native ? policyOf !== 'Always' : policyOf !== undefined) failures.push(`${at}: restartPolicy ${JSON.stringify(policyOf)}`);
      if (b.pattern) {
        // Pod Security "restricted", helper-sized resources, Kubernetes' own pull policy.
        const sc = c.securityContext ?? {};
        if (sc.seccompProfile?.type !== 'RuntimeDefault' || !same(sc.capabilities?.drop, ['ALL'])) failures.push(`${at}: securityContext ${JSON.stringify(sc)}`);
        if (!same(c.resources, { limits: { memory: '256Mi' }, requests: { cpu: '50m', memory: '64Mi' } })) failures.push(`${at}: resources ${JSON.stringify(c.resources)}`);
        if (c.imagePullPolicy !== defaultPullPolicy(b.image)) failures.push(`${at}: imagePullPolicy ${c.imagePullPolicy}, expected ${defaultPullPolicy(b.image)}`);
      }
    });
  }
  // Every volume the replay knows, rendered once, as an emptyDir of the medium and size asked for.
  const volumes = new Map<string, any>((spec.volumes ?? []).map((v: any) => [v.name, v]));
  const known = new Set([...r.app, ...r.init].flatMap(c => c.mounts.map(m => m.volume)).concat(r.added));
  if (volumes.size !== known.size) failures.push(`volumes: expected ${[...known].map(v => v.name).join(', ')}, got ${[...volumes.keys()].join(', ')}`);
  for (const v of known) {
    const rendered = volumes.get(v.name);
    if (!rendered?.emptyDir) failures.push(`volume ${q(v.name)} should be an emptyDir, is ${JSON.stringify(rendered)}`);
    else if (rendered.emptyDir.medium !== v.medium || rendered.emptyDir.sizeLimit !== v.sizeLimit) failures.push(`volume ${q(v.name)}: ${JSON.stringify(rendered.emptyDir)}, expected medium ${v.medium} sizeLimit ${v.sizeLimit}`);
  }
  return failures;
}

/** The pod spec of a workload manifest of any kind. */
export function specOf(doc: any): any {
  if (!doc?.spec) return undefined;
  return doc.kind === 'Pod' ? doc.spec : doc.kind === 'CronJob' ? doc.spec.jobTemplate?.spec?.template?.spec : doc.spec.template?.spec;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
