// fast-check generators for the props of each construct, valid and invalid on purpose.
//
// Values come from small pools, so that duplicates and collisions (two containers named `web`,
// a container named like a default `container-0`/`producer`/`main`/`sidecar-0`/`init-0`, one
// port in two containers or twice in one, one host port twice, one mount path twice) happen
// often, mixed with freely generated valid names; and now and then a value a rule must catch:
// a bad port name, a relative mount path, a sub-path with `..`, an empty image, a multi-line
// command string, a probe on an init container. Everything generated is plain data (see
// model.ts) and prints as TypeScript.
import * as fc from 'fast-check';
import {
  CommonModel, ContainerModel, IpcProducerConsumerPodModel, ipcProducerConsumerPodCode, LocalhostSidecarPodModel, localhostSidecarPodCode,
  OwnMountModel, PortModel, printable, ProbeKind, ReadinessModel, SharedMountModel, SharedVolumeModel, SharedVolumePodModel, sharedVolumePodCode,
  SizeModel,
} from './model';

/** An optional value: absent (undefined, the key is then left out) or present, in the odds absentWeight:presentWeight. */
export function maybe<T>(arb: fc.Arbitrary<T>, absentWeight = 1, presentWeight = 1): fc.Arbitrary<T | undefined> {
  return oneof({ arbitrary: fc.constant(undefined), weight: absentWeight }, { arbitrary: arb, weight: presentWeight });
}

/** `fc.oneof` that shrinks towards its first choice: absent before present, valid before invalid. */
export function oneof<T>(...choices: Array<fc.Arbitrary<T> | { arbitrary: fc.Arbitrary<T>; weight: number }>): fc.Arbitrary<T> {
  return fc.oneof({ withCrossShrink: true }, ...choices.map(c => 'arbitrary' in c ? c : { arbitrary: c, weight: 1 }));
}

/** true with probability trueWeight/(trueWeight+1); shrinks to false. */
export function likely(trueWeight: number): fc.Arbitrary<boolean> {
  return oneof({ arbitrary: fc.constant(false), weight: 1 }, { arbitrary: fc.constant(true), weight: trueWeight });
}

/** Drops the keys whose value is undefined, so models print (and compare) without them. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------------
// Names

/** DNS-1123 labels, from a pool (to collide) and generated. */
export const validName = oneof(
  fc.constantFrom('web', 'writer', 'reader', 'nginx-container', 'log-shipper', 'a', '1st', 'x'.repeat(63)),
  fc.stringMatching(/^[a-z]([-a-z0-9]{0,8}[a-z0-9])?$/),
);

/** Names the constructs (and cdk8s-plus) give unnamed containers. */
export const defaultName = fc.constantFrom('container-0', 'container-1', 'producer', 'consumer', 'main', 'sidecar-0', 'sidecar-1', 'init-0', 'init-1');

/** Not DNS-1123 labels: empty, upper case, underscore, dot, edge hyphens, 64 characters, non-ASCII, space. */
export const invalidName = fc.constantFrom('', 'Web', 'web_1', 'a.b', '-web', 'web-', 'x'.repeat(64), 'wéb', 'we b');

export const containerName = maybe(
  oneof({ arbitrary: validName, weight: 6 }, { arbitrary: defaultName, weight: 3 }, { arbitrary: invalidName, weight: 1 }),
  3, 5,
);

export const volumeName = oneof(
  { arbitrary: fc.constantFrom('shared-data', 'html', 'data', 'dshm', 'cache'), weight: 8 },
  { arbitrary: invalidName, weight: 1 },
);

// ---------------------------------------------------------------------------------------------
// Containers

/** Mostly real references; now and then empty or blank (image-set). */
export const image = oneof(
  {
    arbitrary: fc.constantFrom(
      'nginx:1.27', 'busybox:1.36', 'debian:bookworm-slim', 'allingeek/ch6_ipc', 'python:3.12-slim',
      `registry.example.com:5000/team/app@sha256:${'0123456789abcdef'.repeat(4)}`,
    ),
    weight: 80,
  },
  { arbitrary: fc.constantFrom('', ' '), weight: 1 },
);

/**
 * Strings around yaml-safe-strings' boundary. Scripts and other text: multi-line text starting
 * with a space, tab, carriage return or line break (the rule reports it, whether or not kubectl
 * and podman would read it back), one-line text starting with whitespace and text whose later
 * lines start with a tab (it does not), Unicode line separators (it does), one longer than the
 * 60 characters the message quotes; and short strings of whitespace, line breaks, separators
 * and characters YAML does not allow raw (K14, fixed), which reach every case.
 */
export const multiLine = oneof(
  {
    arbitrary: fc.constantFrom(
      'echo one\necho two', 'echo one\n\techo two', '  one line', '\tone line', '\techo one\n\techo two', '\n\techo hello', '\t\necho hello',
      '\necho hello', ' \necho hello', '    echo a\n    echo b', '\r\necho hello', '\n', 'echo hello\n', 'a\u2028b', 'echo \u0085',
      '\n\twhile true; do date > /html/index.html; sleep 5; done # refreshes the page every five seconds',
    ),
    weight: 3,
  },
  { arbitrary: fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', 'a', '\u2028', '\u2029', '\u0085'), maxLength: 5 }), weight: 3 },
  { arbitrary: fc.constantFrom('\x7f', 'a\u009bb', '\uffff', 'cut \ud83d'), weight: 1 },
);

export const command = fc.array(oneof(
  { arbitrary: fc.constantFrom('/bin/sh', '-c', 'echo hello', './ipc', '-consumer', 'it\'s "quoted" $HOME', ''), weight: 60 },
  { arbitrary: multiLine, weight: 1 },
), { maxLength: 3 });

/** In range and out of range (0, negative, above 65535, fractional). */
export const portNumber = oneof(
  { arbitrary: fc.constantFrom(80, 8080, 443, 9090, 53, 1, 65535), weight: 8 },
  { arbitrary: fc.integer({ min: 1, max: 65535 }), weight: 2 },
  { arbitrary: fc.constantFrom(0, -1, 65536, 70000, 80.5), weight: 1 },
);

/**
 * IANA service names (at most 15 lowercase letters, digits and single inner '-', one letter at
 * least), from a pool so that they repeat; and names that are not: upper case, underscore,
 * edge or double hyphens, 16 characters, digits only, empty.
 */
export const portName = oneof(
  { arbitrary: fc.constantFrom('http', 'metrics', 'grpc', 'http-alt', 'h2c', 'abcdefghijklmno'), weight: 12 },
  { arbitrary: fc.constantFrom('HTTP', 'web_1', '-http', 'http-', 'http--alt', 'abcdefghijklmnop', '8080', ''), weight: 1 },
);

/** Host ports, mostly one (so that two containers ask for it now and then), or any port. */
export const hostPort = oneof(
  { arbitrary: fc.constant(8080), weight: 4 },
  { arbitrary: portNumber, weight: 1 },
);

export const port: fc.Arbitrary<PortModel> = fc.record({
  number: portNumber,
  protocol: maybe(fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const), 2, 1),
  name: maybe(portName, 2, 1),
  hostPort: maybe(hostPort, 2, 1),
}).map(compact);

/** Absolute paths that collide (`/data`, `/data/`), and now and then a relative or empty one (mount-path-valid). */
export const mountPath = oneof(
  { arbitrary: fc.constantFrom('/data', '/data/', '/html', '/usr/share/nginx/html', '/pod-data', '/dev/shm', '/dev/shm/', '/'), weight: 40 },
  { arbitrary: fc.constantFrom('data', 'html/', ''), weight: 1 },
);

/** Relative paths inside a volume, and now and then an absolute one or one with `..` (mount-sub-path-valid). */
export const subPath = oneof(
  { arbitrary: fc.constantFrom('pages', 'nested/dir', 'a..b/c', './x', ''), weight: 15 },
  { arbitrary: fc.constantFrom('..', '../etc', 'pages/..', 'a/../b', '/abs'), weight: 1 },
);

/** A mount of a volume of the container's own (another Volume object, maybe with a clashing name). */
export const ownMount: fc.Arbitrary<OwnMountModel> = fc.record({ volume: volumeName, path: mountPath, subPath: maybe(subPath, 6, 1) }).map(compact);

const probeKinds = fc.subarray<ProbeKind>(['readiness', 'liveness', 'startup'], { minLength: 1 });

export const args = fc.array(oneof(
  { arbitrary: fc.constantFrom('-producer', '--verbose', 'a b'), weight: 30 },
  { arbitrary: multiLine, weight: 1 },
), { maxLength: 2 });

export interface ContainerOptions {
  /** Odds of portNumber absent:present. */
  readonly portWeights?: [number, number];
  /** Odds of probes absent:present. */
  readonly probeWeights?: [number, number];
  /**
   * Whether props cdk8s-plus throws on may be generated: one port (number and protocol, or
   * name) twice, `port` with `portNumber`. The library takes those apart for its own containers;
   * a container added later goes straight to cdk8s-plus's `addContainer`, which throws.
   */
  readonly throwingPorts?: boolean;
  /**
   * Values from the valid pools only (names, images, strings, ports, no mounts of its own): what
   * is left to break are the rules across containers (a name, a port, a path used twice).
   */
  readonly clean?: boolean;
}

const ownName = fc.stringMatching(/^[a-z]{4,8}$/);
const cleanName = maybe(oneof({ arbitrary: ownName, weight: 8 }, { arbitrary: fc.constantFrom('web', 'writer', 'reader', 'log-shipper'), weight: 1 }), 1, 6);

/** A clean container: valid values that still collide across containers now and then. */
const cleanContainer = (options: ContainerOptions): fc.Arbitrary<ContainerModel> => fc.record<ContainerModel>({
  // Mostly names of its own; now and then one of a pool (so that two containers share it) or none (a default name).
  name: cleanName,
  image: fc.constantFrom('nginx:1.27', 'busybox:1.36', 'debian:bookworm-slim', 'allingeek/ch6_ipc', 'python:3.12-slim'),
  command: maybe(fc.constantFrom<string[]>(['/bin/sh', '-c', 'echo hello'], ['./ipc', '-consumer'], ['sleep', 'infinity'])),
  args: maybe(fc.constantFrom<string[]>(['--verbose'], ['a b']), 3, 1),
  portNumber: maybe(
    oneof({ arbitrary: fc.integer({ min: 1024, max: 65535 }), weight: 4 }, { arbitrary: fc.constantFrom(80, 8080, 9090), weight: 1 }),
    ...(options.portWeights ?? [3, 1]),
  ),
  probes: maybe(probeKinds, ...(options.probeWeights ?? [10, 1])),
}).map(compact);

/** No port declared twice, by number and protocol or by name, counting portNumber (cdk8s-plus drops a falsy one). */
function portsUnique(c: ContainerModel): boolean {
  const keys = new Set<string>();
  const names = new Set<string>();
  const all = [...c.portNumber ? [{ number: c.portNumber }] : [], ...c.ports ?? []] as PortModel[];
  for (const p of all) {
    const key = `${p.number}/${p.protocol ?? 'TCP'}`;
    if (keys.has(key) || (p.name && names.has(p.name))) return false;
    keys.add(key);
    if (p.name) names.add(p.name);
  }
  return true;
}

/** The container props the constructs pass through to cdk8s-plus. */
export function containerModel(options: ContainerOptions = {}): fc.Arbitrary<ContainerModel> {
  if (options.clean) return cleanContainer(options);
  const [absent, present] = options.portWeights ?? [2, 1];
  const [noProbes, probes] = options.probeWeights ?? [10, 1];
  const throwing = options.throwingPorts ?? true;
  const arb = fc.record({
    name: containerName,
    image,
    command: maybe(command),
    args: maybe(args, 2, 1),
    // The deprecated `port`, alone or with portNumber (then the library reports it).
    port: throwing ? maybe(fc.constantFrom(80, 8080), 20, 1) : fc.constant(undefined),
    portNumber: maybe(portNumber, absent, present),
    ports: maybe(fc.array(port, { minLength: 1, maxLength: 2 }), 3, 1),
    volumeMounts: maybe(fc.array(ownMount, { minLength: 1, maxLength: 2 }), 8, 1),
    probes: maybe(probeKinds, noProbes, probes),
  }).map(compact);
  return throwing ? arb : arb.filter(portsUnique);
}

export const common: fc.Arbitrary<CommonModel> = fc.record({
  // Init containers with ports (plain ports: no startup probe) and now and then a probe (init-container-probes).
  initContainers: maybe(fc.array(containerModel({ portWeights: [4, 1], probeWeights: [12, 1] }), { minLength: 1, maxLength: 2 }), 3, 1),
  addedLater: maybe(containerModel({ throwingPorts: true }), 5, 1),
}).map(compact);

// ---------------------------------------------------------------------------------------------
// Sizes, volumes, mounts

/** Whole mebibytes, fractions of one (Size.kibibytes(1)), zero, and absurdly large ones. */
export const size: fc.Arbitrary<SizeModel> = oneof(
  { arbitrary: fc.constantFrom<SizeModel>({ unit: 'mebibytes', amount: 64 }, { unit: 'mebibytes', amount: 1 }, { unit: 'gibibytes', amount: 1 }, { unit: 'gibibytes', amount: 0.5 }, { unit: 'kibibytes', amount: 2048 }, { unit: 'tebibytes', amount: 1 }), weight: 6 },
  { arbitrary: fc.record({ unit: fc.constant('mebibytes' as const), amount: fc.integer({ min: 1, max: 1_048_576 }) }), weight: 2 },
  { arbitrary: fc.constantFrom<SizeModel>({ unit: 'kibibytes', amount: 1 }, { unit: 'kibibytes', amount: 1536 }, { unit: 'mebibytes', amount: 0 }, { unit: 'gibibytes', amount: 0 }, { unit: 'mebibytes', amount: 1.5 }, { unit: 'mebibytes', amount: Number.NaN }, { unit: 'mebibytes', amount: Number.POSITIVE_INFINITY }), weight: 2 },
  // Past 2^53 MiB JavaScript no longer holds the number exactly; from 1e21 it prints it with an exponent.
  { arbitrary: fc.constantFrom<SizeModel>({ unit: 'mebibytes', amount: 2 ** 53 - 1 }, { unit: 'mebibytes', amount: 2 ** 53 }, { unit: 'mebibytes', amount: 1e21 }, { unit: 'tebibytes', amount: 2 ** 60 }), weight: 1 },
);

export const sharedVolume: fc.Arbitrary<SharedVolumeModel> = fc.record({
  name: volumeName,
  medium: maybe(fc.constantFrom('Memory' as const, '' as const)),
  sizeLimit: maybe(size, 2, 1),
}).map(compact);

export const sharedMount: fc.Arbitrary<SharedMountModel> = fc.record({
  path: mountPath,
  volume: maybe(oneof({ arbitrary: volumeName, weight: 4 }, { arbitrary: fc.constant('undeclared'), weight: 1 }), 3, 1),
  readOnly: maybe(fc.boolean()),
  subPath: maybe(subPath, 4, 1),
}).map(compact);

// ---------------------------------------------------------------------------------------------
// The constructs

/** How a container uses the k-th declared volume (resolved against the declared list in `resolveMounts`). */
export const mountPlan = fc.record({
  used: likely(6),
  omitName: fc.boolean(),
  /** undefined: a path of its own, `/mnt/<volume>`; else one from the pool (collisions). */
  path: maybe(mountPath, 8, 1),
  readOnly: maybe(fc.boolean()),
  subPath: maybe(subPath, 4, 1),
});

export type MountPlan = typeof mountPlan extends fc.Arbitrary<infer P> ? P : never;

const sharedVolumeContainer = fc.record({
  base: containerModel(),
  plans: fc.tuple(mountPlan, mountPlan, mountPlan),
  /** A mount the plans would not make: an undeclared volume, an ambiguous one, a pooled path. */
  stray: maybe(sharedMount, 12, 1),
});

/**
 * Mostly coherent: each container mounts each declared volume with probability 6/7, at a path
 * of its own, naming it (or not, when it is the only one); now and then a stray mount.
 * Generated without `chain`, so that every part shrinks.
 */
export function resolveMounts(declared: string[], c: { plans: MountPlan[]; stray?: SharedMountModel }): SharedMountModel[] | undefined {
  const mounts: SharedMountModel[] = declared.flatMap((name, k) => {
    const p = c.plans[k];
    if (!p?.used) return [];
    return [compact({
      path: p.path ?? `/mnt/${name || 'unnamed'}`,
      volume: p.omitName && declared.length === 1 ? undefined : name,
      readOnly: p.readOnly,
      subPath: p.subPath,
    })];
  });
  if (c.stray) mounts.push(c.stray);
  return mounts.length ? mounts : undefined;
}

export const sharedVolumePodModel: fc.Arbitrary<SharedVolumePodModel> = fc.record({
  common,
  volumes: maybe(oneof(
    // Mostly distinct names; now and then one name twice (volume-name-unique).
    { arbitrary: fc.uniqueArray(sharedVolume, { minLength: 1, maxLength: 3, selector: v => v.name }), weight: 10 },
    { arbitrary: fc.array(sharedVolume, { minLength: 2, maxLength: 3 }), weight: 2 },
    { arbitrary: fc.array(sharedVolume, { maxLength: 0 }), weight: 1 },
  ), 1, 2),
  containers: oneof(
    { arbitrary: fc.array(sharedVolumeContainer, { minLength: 2, maxLength: 4 }), weight: 8 },
    { arbitrary: fc.array(sharedVolumeContainer, { minLength: 0, maxLength: 1 }), weight: 1 },
  ),
}).map(({ common: c, volumes, containers }) => {
  const declared = (volumes ?? [{ name: 'shared-data' }]).map(v => v.name);
  const resolved = containers.map(k => compact({ ...k.base, sharedMounts: resolveMounts(declared, k) }));
  return printable(compact({ ...c, containers: resolved, volumes }), sharedVolumePodCode);
});

const duration = fc.constantFrom(0, 1, 500, 1000, 1500, 60_000);

export const readiness: fc.Arbitrary<ReadinessModel> = oneof(
  fc.constant<ReadinessModel>({ kind: 'none' }),
  fc.record({
    kind: fc.constantFrom('posixMessageQueue' as const, 'posixSharedMemory' as const),
    arg: oneof(
      { arbitrary: fc.constantFrom('/ch6_ipc', 'ch6_ipc', '/OS', '/q.1'), weight: 4 },
      { arbitrary: fc.constantFrom('/', '', '/a/b', '/.', '/..', `/${'q'.repeat(255)}`, `/${'q'.repeat(256)}`, '//q'), weight: 1 },
    ),
    timeoutMs: maybe(duration, 3, 1),
    pollMs: maybe(duration, 3, 1),
  }).map(compact),
  fc.record({
    kind: fc.constantFrom('sysvMessageQueue' as const, 'sysvSharedMemory' as const),
    key: oneof(
      { arbitrary: fc.constantFrom(1, 42, 0x1234abcd, -1, -(2 ** 31), 2 ** 32 - 1), weight: 4 },
      { arbitrary: fc.constantFrom(0, 2 ** 32, -(2 ** 31) - 1, 1.5, Number.NaN), weight: 1 },
    ),
    timeoutMs: maybe(duration, 3, 1),
    pollMs: maybe(duration, 3, 1),
  }).map(compact),
  fc.record({
    kind: fc.constantFrom('file' as const, 'command' as const),
    arg: fc.constantFrom('/tmp/ready', '/dev/shm/OS', 'tmp/ready', '', '   ', 'test -s /dev/shm/OS', 'echo \'it\'"s"'),
    timeoutMs: maybe(duration, 3, 1),
    pollMs: maybe(duration, 3, 1),
  }).map(compact),
);

export const ipcProducerConsumerPodModel: fc.Arbitrary<IpcProducerConsumerPodModel> = fc.record({
  common,
  producer: fc.record({ base: containerModel(), postStart: maybe(fc.constant(true), 4, 1) })
    .map(({ base, postStart }) => compact({ ...base, postStart })),
  consumer: containerModel(),
  readiness,
  startupGate: maybe(fc.constantFrom('CONSUMER_WAITS' as const, 'PRODUCER_POST_START' as const, 'BOTH' as const)),
  shmSize: maybe(size),
}).map(({ common: c, ...rest }) => printable(compact({ ...c, ...rest }), ipcProducerConsumerPodCode));

export const sidecar = fc.record({
  base: containerModel(),
  env: maybe(fc.constantFrom<Record<string, string>>({ MAIN_PORT: '9999' }, { LOG_LEVEL: 'debug' }), 3, 1),
}).map(({ base, env }) => compact({ ...base, env }));

export const localhostSidecarPodModel: fc.Arbitrary<LocalhostSidecarPodModel> = fc.record({
  common,
  // The main container nearly always listens on a port; the pattern is pointless otherwise.
  main: containerModel({ portWeights: [1, 6] }),
  sidecars: oneof(
    { arbitrary: fc.array(sidecar, { minLength: 1, maxLength: 3 }), weight: 8 },
    { arbitrary: fc.array(sidecar, { maxLength: 0 }), weight: 1 },
  ),
  exposeMainAddress: maybe(fc.boolean()),
}).map(({ common: c, ...rest }) => printable(compact({ ...c, ...rest }), localhostSidecarPodCode));
