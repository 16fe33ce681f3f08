// fast-check generators for workloads of every kind with patterns applied to them: one pattern
// (for the per-construct properties) or two or three (compositions), among containers, init
// containers and volumes other code adds before and after, and late joiners (addContainer,
// addMounts, addConsumer, addSidecar, a port bound on a StatefulSet's Service).
//
// Pattern containers get PatternContainerProps' own fields now and then: `nativeSidecar: true`,
// `longRunning`, `scratchMounts`, and (through a cast) a `restartPolicy`. Steps that refer to a
// pattern or a container are generated as free numbers and resolved against what the steps
// before them made (`resolve`), so every part of a model still shrinks.
import * as fc from 'fast-check';
import {
  compact, containerModel, ContainerOptions, maybe, mountPath, mountPlan, MountPlan, oneof, readiness, resolveMounts, sharedMount, sharedVolume, size,
  volumeName,
} from './arbitraries';
import { ContainerModel, ReadinessModel, ScratchMountModel, SharedMountModel, SharedVolumeModel, SizeModel } from './model';
import {
  GateModel, PatternOp, printableWorkload, SharedVolumeContainerModel, StepModel, WorkloadKind, WorkloadModel,
} from './workload-model';

const COMPLETING: readonly WorkloadKind[] = ['Job', 'CronJob'];

export const scratchMount: fc.Arbitrary<ScratchMountModel> = fc.record({
  path: oneof({ arbitrary: fc.constantFrom('/tmp', '/var/cache/nginx', '/run'), weight: 4 }, { arbitrary: mountPath, weight: 1 }),
  volume: maybe(oneof({ arbitrary: fc.constantFrom('tmp', 'scratch'), weight: 3 }, { arbitrary: volumeName, weight: 1 }), 4, 1),
  medium: maybe(fc.constant('Memory' as const), 3, 1),
  sizeLimit: maybe(size, 3, 1),
}).map(compact);

/** What every generator of a workload is told: its kind, and whether to draw from the valid pools only (see ContainerOptions.clean). */
export interface Mode {
  readonly kind: WorkloadKind;
  readonly clean: boolean;
}

const cleanScratch: fc.Arbitrary<ScratchMountModel> = fc.record({
  path: fc.constantFrom('/tmp', '/var/cache/nginx', '/run'),
  medium: maybe(fc.constant('Memory' as const), 3, 1),
}).map(compact);

/**
 * A pattern container: cdk8s-plus props plus, now and then, PatternContainerProps' own fields.
 * In a Job or CronJob, helpers are more often native sidecars or declared to exit (else a
 * serving helper keeps the Job from completing); clean ones also keep `longRunning` consistent
 * with `nativeSidecar`.
 */
export function patternContainer(mode: Mode, options: ContainerOptions = {}): fc.Arbitrary<ContainerModel> {
  const completing = COMPLETING.includes(mode.kind);
  const native = maybe(fc.constant(true), completing ? 2 : 4, 1);
  if (mode.clean) {
    return fc.record({
      base: containerModel({ ...options, clean: true }),
      nativeSidecar: native,
      exits: completing ? oneof({ arbitrary: fc.constant(false), weight: 1 }, { arbitrary: fc.constant(true), weight: 3 }) : fc.constant(false),
      scratchMounts: maybe(fc.array(cleanScratch, { minLength: 1, maxLength: 1 }), 6, 1),
    }).map(({ base, nativeSidecar, exits, scratchMounts }) => compact({
      ...base, nativeSidecar, scratchMounts, longRunning: exits && !nativeSidecar ? false : undefined,
    }));
  }
  return fc.record({
    base: containerModel(options),
    nativeSidecar: native,
    longRunning: completing ? oneof(fc.constant(undefined), fc.constant(false), fc.constant(true)) : maybe(fc.boolean(), 4, 1),
    scratchMounts: maybe(fc.array(scratchMount, { minLength: 1, maxLength: 2 }), 6, 1),
    restartPolicy: maybe(fc.constant('Always' as const), 60, 1),
  }).map(({ base, ...rest }) => compact({ ...base, ...rest }));
}

/** A container other code adds straight to cdk8s-plus: nothing it throws on (no port twice, no probe on an init container). */
const otherStep = (mode: Mode): fc.Arbitrary<StepModel> => {
  const container = containerModel({ throwingPorts: false, clean: mode.clean, portWeights: COMPLETING.includes(mode.kind) ? [8, 1] : undefined });
  const initContainer = containerModel({ throwingPorts: false, clean: mode.clean, portWeights: [3, 1] }).map(({ probes: _probes, ...rest }) => rest);
  return oneof<StepModel>(
    { arbitrary: container.map(c => ({ op: 'addContainer' as const, container: c })), weight: 3 },
    { arbitrary: initContainer.map(c => ({ op: 'addInitContainer' as const, container: c })), weight: 2 },
    { arbitrary: (mode.clean ? fc.constantFrom('config', 'cache') : fc.constantFrom('config', 'cache', 'html', 'shared-data', 'Cache')).map(name => ({ op: 'addVolume' as const, name })), weight: 1 },
  );
};

/** A shared-volume container before its mounts are resolved against the pattern's declared volumes. */
/** A clean container mounts each declared volume at a path of its own, nearly always. */
const cleanPlan = fc.record({
  used: fc.constant(true), omitName: fc.boolean(), path: fc.constant(undefined), readOnly: maybe(fc.boolean()), subPath: fc.constant(undefined),
});

const sharedContainerPlan = (mode: Mode) => fc.record({
  base: patternContainer(mode),
  plans: mode.clean ? fc.tuple(cleanPlan, cleanPlan, cleanPlan) : fc.tuple(mountPlan, mountPlan, mountPlan),
  stray: mode.clean ? fc.constant(undefined) : maybe(sharedMount, 12, 1),
}).map(compact);
type SharedContainerPlan = { base: ContainerModel; plans: MountPlan[]; stray?: SharedMountModel };

const declaredNames = (volumes: SharedVolumeModel[] | undefined) => (volumes ?? [{ name: 'shared-data' }]).map(v => v.name);
const resolveShared = (declared: string[], c: SharedContainerPlan): SharedVolumeContainerModel =>
  compact({ ...c.base, sharedMounts: resolveMounts(declared, c) });

/** A pattern step before resolution (shared-volume containers keep their mount plans). */
type RawPattern =
  | { op: 'SharedVolumes'; volumes?: SharedVolumeModel[]; containers?: SharedContainerPlan[] }
  | Exclude<StepModel, { op: 'SharedVolumes' }>;

const cleanVolumes = oneof<SharedVolumeModel[] | undefined>(
  { arbitrary: fc.constantFrom<SharedVolumeModel[] | undefined>(undefined, [{ name: 'html' }], [{ name: 'data', medium: 'Memory', sizeLimit: { unit: 'mebibytes', amount: 64 } }], [{ name: 'html' }, { name: 'logs' }]), weight: 1 },
  { arbitrary: fc.stringMatching(/^[a-z]{4,8}$/).map<SharedVolumeModel[]>(name => [{ name }]), weight: 2 },
);

const sharedVolumesStep = (mode: Mode): fc.Arbitrary<RawPattern> => fc.record({
  volumes: mode.clean ? cleanVolumes : maybe(oneof(
    { arbitrary: fc.uniqueArray(sharedVolume, { minLength: 1, maxLength: 2, selector: v => v.name }), weight: 10 },
    { arbitrary: fc.array(sharedVolume, { minLength: 2, maxLength: 2 }), weight: 1 },
    { arbitrary: fc.constant<SharedVolumeModel[]>([]), weight: 1 },
  ), 1, 2),
  containers: oneof(
    { arbitrary: fc.array(sharedContainerPlan(mode), { minLength: 2, maxLength: 3 }), weight: 8 },
    { arbitrary: fc.array(sharedContainerPlan(mode), { maxLength: 1 }), weight: mode.clean ? 1 : 2 },
  ),
}).map(s => compact({ op: 'SharedVolumes' as const, ...s }));

const gate = fc.constantFrom<GateModel>('CONSUMER_WAITS', 'PRODUCER_POST_START', 'BOTH', 'NATIVE_SIDECAR');

const cleanReadiness = fc.constantFrom<ReadinessModel>({ kind: 'none' }, { kind: 'posixMessageQueue', arg: '/ch6_ipc' }, { kind: 'file', arg: '/tmp/ready' }, { kind: 'sysvMessageQueue', key: 42 });

const ipcStep = (mode: Mode): fc.Arbitrary<RawPattern> => fc.record({
  producer: fc.record({ base: patternContainer(mode), postStart: maybe(fc.constant(true), mode.clean ? 12 : 4, 1) })
    .map(({ base, postStart }) => compact({ ...base, postStart })),
  // A clean consumer has its command set (CONSUMER_WAITS wraps it).
  consumer: mode.clean ? patternContainer(mode).map(c => ({ ...c, command: c.command ?? ['./ipc', '-consumer'] })) : patternContainer(mode),
  readiness: mode.clean ? cleanReadiness : readiness,
  startupGate: maybe(gate, 1, 2),
  shmSize: mode.clean ? maybe(fc.constant<SizeModel>({ unit: 'mebibytes', amount: 64 }), 2, 1) : maybe(size, 2, 1),
}).map(s => {
  // A clean producer behind the NATIVE_SIDECAR gate is declared to keep running, without a startup probe of its own.
  const producer = mode.clean && s.startupGate === 'NATIVE_SIDECAR'
    ? compact({ ...s.producer, longRunning: true, nativeSidecar: undefined, probes: s.producer.probes?.filter(p => p !== 'startup') })
    : s.producer;
  return compact({ op: 'IpcProducerConsumer' as const, ...s, producer });
});

const sidecarOf = (mode: Mode) => fc.record({
  base: patternContainer(mode),
  env: maybe(fc.constantFrom<Record<string, string>>({ MAIN_PORT: '9999' }, { LOG_LEVEL: 'debug' }), 3, 1),
}).map(({ base, env }) => compact({ ...base, env }));

const localhostStep = (mode: Mode): fc.Arbitrary<RawPattern> => fc.record({
  // The main container nearly always listens on a port; the pattern is pointless otherwise.
  main: patternContainer(mode, { portWeights: [1, 6] }),
  sidecars: fc.array(sidecarOf(mode), { maxLength: 2 }),
  exposeMainAddress: maybe(fc.boolean(), 3, 1),
}).map(s => compact({ op: 'LocalhostSidecars' as const, ...s }));

const helperStep = (mode: Mode): fc.Arbitrary<RawPattern> => patternContainer(mode).map(container => ({ op: 'HelperContainer' as const, container }));

const patternSteps: Record<PatternOp, (mode: Mode) => fc.Arbitrary<RawPattern>> = {
  HelperContainer: helperStep,
  SharedVolumes: sharedVolumesStep,
  IpcProducerConsumer: ipcStep,
  LocalhostSidecars: localhostStep,
};

/** A late step, before resolution: `pattern` and `container` are free numbers. */
type RawLate =
  | { op: 'addSharedContainer'; pattern: number; container: SharedContainerPlan }
  | { op: 'addMounts'; pattern: number; container: number; plans: MountPlan[]; stray?: SharedMountModel }
  | { op: 'addConsumer'; pattern: number; consumer: ContainerModel }
  | { op: 'addSidecar'; pattern: number; sidecar: ContainerModel }
  | { op: 'bind'; port: number };

const lateSteps = (mode: Mode, ops: readonly PatternOp[]): fc.Arbitrary<RawLate | StepModel> => {
  const kind = mode.kind;
  const pattern = fc.nat({ max: 2 });
  const choices: Array<{ arbitrary: fc.Arbitrary<RawLate | StepModel>; weight: number }> = [{ arbitrary: otherStep(mode), weight: 2 }];
  if (ops.includes('SharedVolumes')) {
    choices.push(
      { arbitrary: fc.record({ pattern, container: sharedContainerPlan(mode) }).map(s => ({ op: 'addSharedContainer' as const, ...s })), weight: 2 },
      {
        arbitrary: fc.record({
          pattern,
          container: fc.nat({ max: 7 }),
          plans: mode.clean ? fc.tuple(cleanPlan, cleanPlan, cleanPlan) : fc.tuple(mountPlan, mountPlan, mountPlan),
          stray: mode.clean ? fc.constant(undefined) : maybe(sharedMount, 8, 1),
        })
          .map(s => compact({ op: 'addMounts' as const, ...s })),
        weight: 2,
      },
    );
  }
  if (ops.includes('IpcProducerConsumer')) choices.push({ arbitrary: fc.record({ pattern, consumer: patternContainer(mode).map(c => (mode.clean ? { ...c, command: c.command ?? ['./ipc', '-consumer'] } : c)) }).map(s => ({ op: 'addConsumer' as const, ...s })), weight: 2 });
  if (ops.includes('LocalhostSidecars')) choices.push({ arbitrary: fc.record({ pattern, sidecar: sidecarOf(mode) }).map(s => ({ op: 'addSidecar' as const, ...s })), weight: 2 });
  if (kind === 'StatefulSet') choices.push({ arbitrary: fc.constantFrom(80, 8080, 9090, 443, 53).map(port => ({ op: 'bind' as const, port })), weight: 3 });
  return oneof(...choices);
};

/** What a StatefulSet is created with: a container whose port its headless Service gets, or a Service of the user's own. */
const statefulSetStart = (mode: Mode) => fc.record({
  initial: fc.constantFrom<ContainerModel[]>(
    [{ name: 'db', image: 'postgres:16', ports: [{ number: 5432, name: 'db' }] }],
    [{ name: 'web', image: 'nginx:1.27', ports: [{ number: 80, name: 'http' }] }],
  ),
  ownService: mode.clean ? maybe(fc.constant(true), 1, 2) : maybe(fc.constant(true)),
});

/** The number of containers (app and init) a step adds: the library never leaves one out. */
function containersAdded(step: StepModel): number {
  switch (step.op) {
    case 'addContainer': case 'addInitContainer': case 'addSharedContainer': case 'addConsumer': case 'addSidecar': case 'HelperContainer': return 1;
    case 'SharedVolumes': return step.containers?.length ?? 0;
    case 'IpcProducerConsumer': return 2;
    case 'LocalhostSidecars': return 1 + step.sidecars.length;
    default: return 0;
  }
}

/**
 * The steps, with references resolved: a late step refers to the (pattern mod k)-th pattern of
 * its kind made before it (dropped when there is none), `addMounts` to a container that exists
 * then; shared mounts are resolved against the target pattern's declared volumes. Other code
 * adds a volume only before the first SharedVolumes, and each name once (cdk8s-plus throws on
 * a name it already has, whoever added it: that would be the other code's error).
 */
function resolve(kind: WorkloadKind, initial: number, raw: Array<RawPattern | RawLate | StepModel>): StepModel[] {
  const steps: StepModel[] = [];
  const madeAt: Record<PatternOp, number[]> = { SharedVolumes: [], IpcProducerConsumer: [], LocalhostSidecars: [], HelperContainer: [] };
  const declared = new Map<number, string[]>();
  const addedVolumes = new Set<string>();
  const bound = new Set<number>();
  let containers = initial;
  const target = (op: PatternOp, k: number) => (madeAt[op].length ? madeAt[op][k % madeAt[op].length] : undefined);
  for (const r of raw) {
    let step: StepModel | undefined;
    switch (r.op) {
      case 'SharedVolumes': {
        const names = declaredNames(r.volumes);
        declared.set(steps.length, names);
        madeAt.SharedVolumes.push(steps.length);
        step = compact({ op: 'SharedVolumes' as const, volumes: r.volumes, containers: (r.containers as SharedContainerPlan[] | undefined)?.map(c => resolveShared(names, c)) });
        break;
      }
      case 'IpcProducerConsumer': case 'LocalhostSidecars': case 'HelperContainer':
        madeAt[r.op].push(steps.length);
        step = r;
        break;
      case 'addVolume':
        if (madeAt.SharedVolumes.length === 0 && !addedVolumes.has(r.name)) {
          addedVolumes.add(r.name);
          step = r;
        }
        break;
      case 'addSharedContainer': {
        const p = target('SharedVolumes', r.pattern);
        if (p !== undefined && 'plans' in r.container) step = { op: 'addSharedContainer', pattern: p, container: resolveShared(declared.get(p)!, r.container as SharedContainerPlan) };
        break;
      }
      case 'addMounts': {
        const p = target('SharedVolumes', r.pattern);
        if (p === undefined || containers === 0 || !('plans' in r)) break;
        const mounts = resolveMounts(declared.get(p)!, r as { plans: MountPlan[]; stray?: SharedMountModel });
        if (mounts) step = { op: 'addMounts', pattern: p, container: r.container % containers, mounts };
        break;
      }
      case 'addConsumer': {
        const p = target('IpcProducerConsumer', r.pattern);
        if (p !== undefined) step = { op: 'addConsumer', pattern: p, consumer: r.consumer };
        break;
      }
      case 'addSidecar': {
        const p = target('LocalhostSidecars', r.pattern);
        if (p !== undefined) step = { op: 'addSidecar', pattern: p, sidecar: r.sidecar };
        break;
      }
      case 'bind':
        // A port bound twice, or the port the Service has from the start, would be a Service the API server refuses: other code's error.
        if (kind === 'StatefulSet' && !bound.has(r.port)) {
          bound.add(r.port);
          step = { op: 'bind', port: r.port, name: `p${r.port}` };
        }
        break;
      default:
        step = r;
    }
    if (step) {
      steps.push(step);
      containers += containersAdded(step);
    }
  }
  return steps;
}

const restartPolicy = maybe(fc.constantFrom('Always' as const, 'Never' as const, 'OnFailure' as const), 5, 1);
/** The restart policies a kind takes (a clean workload sets one of them, or none). */
const validPolicy = (kind: WorkloadKind) => (COMPLETING.includes(kind)
  ? maybe(fc.constantFrom('Never' as const, 'OnFailure' as const), 3, 1)
  : kind === 'Pod' ? maybe(fc.constantFrom('Always' as const, 'Never' as const, 'OnFailure' as const), 3, 1) : maybe(fc.constant('Always' as const), 3, 1));

/**
 * A workload of `kind` with `ops` applied: one pattern step of each op listed, in the order
 * listed (an op may repeat), other code's steps before, between and after them, then late steps.
 * `cleanWeight` in `cleanWeight + 1` of them clean (valid values: only the rules across
 * containers and patterns can break).
 */
export function workloadModel(kind: WorkloadKind, ops: fc.Arbitrary<PatternOp[]>, cleanWeight = 1): fc.Arbitrary<WorkloadModel> {
  return oneof(
    { arbitrary: modelOf({ kind, clean: true }, ops), weight: cleanWeight },
    { arbitrary: modelOf({ kind, clean: false }, ops), weight: 1 },
  );
}

/** Arbitraries are built once per mode (and list of ops): building them is slow, and `chain` would rebuild them per value. */
const cache = new Map<string, unknown>();
function once<T>(key: string, make: () => T): T {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key) as T;
}

function modelOf(mode: Mode, ops: fc.Arbitrary<PatternOp[]>): fc.Arbitrary<WorkloadModel> {
  const kind = mode.kind;
  const key = `${kind}/${mode.clean}`;
  const start = kind === 'StatefulSet' ? statefulSetStart(mode) : fc.constant({ initial: undefined, ownService: undefined });
  const before = once(`${key}/before`, () => fc.array(otherStep(mode), { maxLength: 1 }));
  const step = (op: PatternOp) => once(`${key}/${op}`, () => patternSteps[op](mode));
  const late = (list: PatternOp[]) => once(`${key}/late/${[...new Set(list)].sort().join()}`, () => fc.array(lateSteps(mode, list), { maxLength: mode.clean ? 2 : 3 }));
  return ops.chain(list => fc.record({
    restartPolicy: mode.clean ? validPolicy(kind) : restartPolicy,
    start,
    patterns: fc.tuple(...list.map(op => fc.tuple(before, step(op)))),
    late: late(list),
  })).map(({ restartPolicy: policy, start: s, patterns, late: lateSteps_ }) => {
    const raw = [...patterns.flatMap(([b, p]) => [...b, p]), ...lateSteps_];
    // Ports 5432 and 80 are the StatefulSet's own from the start: binding them again is refused.
    const taken = s.initial?.[0].ports?.[0].number;
    const filtered = raw.filter(r => !(r.op === 'bind' && r.port === taken));
    return printableWorkload(compact({
      kind,
      restartPolicy: policy,
      initial: s.initial,
      ownService: s.ownService,
      steps: resolve(kind, s.initial?.length ?? 0, filtered),
    }));
  });
}

/** Two or three patterns (a HelperContainer among them now and then), any repeated. */
export const composition: fc.Arbitrary<PatternOp[]> = fc.array(
  oneof<PatternOp>({ arbitrary: fc.constantFrom('SharedVolumes', 'IpcProducerConsumer', 'LocalhostSidecars'), weight: 3 }, { arbitrary: fc.constant('HelperContainer'), weight: 1 }),
  { minLength: 2, maxLength: 3 },
);
