// Plain-data descriptions of each construct's props, as the property tests generate them.
//
// The generators produce these (strings, numbers, arrays, plain objects) rather than cdk8s
// objects, so fast-check can shrink them and print them; `build*` turns one into a real construct
// in a fresh App/Chart, and every model prints itself (fast-check's `toStringMethod`) as the
// TypeScript that reproduces it, so a shrunk counterexample can be pasted into a unit test.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import {
  IpcProducerConsumerPod, IpcReadiness, LocalhostSidecarPod, MultiContainerPod, PatternContainerProps, SharedVolumePod, StartupGate,
} from '../../src';

/** The chart and construct ids every property run uses: errors are prefixed `[test/pod]`. */
export const CHART_ID = 'test';
export const POD_ID = 'pod';
export const POD_PATH = `${CHART_ID}/${POD_ID}`;

/** A cdk8s `Size`, e.g. `{ unit: 'kibibytes', amount: 1 }` for `Size.kibibytes(1)`. */
export interface SizeModel {
  readonly unit: 'kibibytes' | 'mebibytes' | 'gibibytes' | 'tebibytes';
  readonly amount: number;
}

export interface PortModel {
  readonly number: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
  readonly name?: string;
  readonly hostPort?: number;
}

/** A `volumeMounts` entry of the container's own: a new emptyDir `Volume` object named `volume`. */
export interface OwnMountModel {
  readonly volume: string;
  readonly path: string;
  readonly subPath?: string;
}

/** The probes a container can be given (cdk8s-plus prop names); each renders as `exec: true`. */
export type ProbeKind = 'readiness' | 'liveness' | 'startup';
export const PROBE_COMMAND = ['true'];

/** A `scratchMounts` entry of a pattern container: a private emptyDir. */
export interface ScratchMountModel {
  readonly path: string;
  readonly volume?: string;
  readonly medium?: 'Memory';
  readonly sizeLimit?: SizeModel;
}

/** The kplus container props the generators vary (and, for pattern containers, `PatternContainerProps`'s own). */
export interface ContainerModel {
  readonly name?: string;
  readonly image: string;
  readonly command?: string[];
  readonly args?: string[];
  /** The deprecated `port` prop (cdk8s-plus uses `portNumber` when both are set). */
  readonly port?: number;
  readonly portNumber?: number;
  readonly ports?: PortModel[];
  readonly volumeMounts?: OwnMountModel[];
  readonly env?: Record<string, string>;
  readonly probes?: ProbeKind[];
  /** PatternContainerProps.longRunning. */
  readonly longRunning?: boolean;
  /** PatternContainerProps.scratchMounts. */
  readonly scratchMounts?: ScratchMountModel[];
  /** PatternContainerProps.nativeSidecar. */
  readonly nativeSidecar?: boolean;
  /** A container `restartPolicy` set through a cast: cdk8s-plus-27's container props have none. */
  readonly restartPolicy?: 'Always';
}

export interface SharedMountModel {
  readonly path: string;
  readonly volume?: string;
  readonly readOnly?: boolean;
  readonly subPath?: string;
}

export interface SharedVolumeModel {
  readonly name: string;
  readonly medium?: 'Memory' | '';
  readonly sizeLimit?: SizeModel;
}

/** Options every pattern shares: init containers, and a container added later through `pod`. */
export interface CommonModel {
  readonly initContainers?: ContainerModel[];
  /** Added with `construct.pod.addContainer(...)` after the construct is built. */
  readonly addedLater?: ContainerModel;
}

export interface SharedVolumePodModel extends CommonModel {
  readonly containers: Array<ContainerModel & { readonly sharedMounts?: SharedMountModel[] }>;
  readonly volumes?: SharedVolumeModel[];
}

export type ReadinessModel =
  | { readonly kind: 'posixMessageQueue' | 'posixSharedMemory' | 'file' | 'command'; readonly arg: string; readonly timeoutMs?: number; readonly pollMs?: number }
  | { readonly kind: 'sysvMessageQueue' | 'sysvSharedMemory'; readonly key: number; readonly timeoutMs?: number; readonly pollMs?: number }
  | { readonly kind: 'none' };

export interface IpcProducerConsumerPodModel extends CommonModel {
  /** `postStart`: the producer comes with a postStart hook of its own. */
  readonly producer: ContainerModel & { readonly postStart?: boolean };
  readonly consumer: ContainerModel;
  readonly readiness: ReadinessModel;
  readonly startupGate?: 'CONSUMER_WAITS' | 'PRODUCER_POST_START' | 'BOTH';
  readonly shmSize?: SizeModel;
}

export interface LocalhostSidecarPodModel extends CommonModel {
  readonly main: ContainerModel;
  readonly sidecars: ContainerModel[];
  readonly exposeMainAddress?: boolean;
}

/** The user's own postStart hook, when a model asks for one. */
export const USER_POST_START = ['/bin/sh', '-c', 'echo started'];

// ---------------------------------------------------------------------------------------------
// Building

export function toSize(m: SizeModel): Size {
  return Size[m.unit](m.amount);
}

function duration(ms: number | undefined): Duration | undefined {
  return ms === undefined ? undefined : Duration.millis(ms);
}

export function toReadiness(m: ReadinessModel): IpcReadiness {
  if (m.kind === 'none') return IpcReadiness.none();
  const options = { timeout: duration(m.timeoutMs), pollInterval: duration(m.pollMs) };
  switch (m.kind) {
    case 'sysvMessageQueue': return IpcReadiness.sysvMessageQueue(m.key, options);
    case 'sysvSharedMemory': return IpcReadiness.sysvSharedMemory(m.key, options);
    case 'posixMessageQueue': return IpcReadiness.posixMessageQueue(m.arg, options);
    case 'posixSharedMemory': return IpcReadiness.posixSharedMemory(m.arg, options);
    case 'file': return IpcReadiness.file(m.arg, options);
    case 'command': return IpcReadiness.command(m.arg, options);
  }
}

let volumeIds = 0;
export function containerProps(chart: Chart, m: ContainerModel & { readonly postStart?: boolean }): PatternContainerProps {
  const probe = (kind: ProbeKind) => (m.probes?.includes(kind) ? kplus.Probe.fromCommand(PROBE_COMMAND) : undefined);
  return {
    name: m.name,
    image: m.image,
    command: m.command,
    args: m.args,
    port: m.port,
    portNumber: m.portNumber,
    ports: m.ports?.map(p => ({ number: p.number, protocol: p.protocol && kplus.Protocol[p.protocol], name: p.name, hostPort: p.hostPort })),
    volumeMounts: m.volumeMounts?.map(vm => ({ path: vm.path, subPath: vm.subPath, volume: kplus.Volume.fromEmptyDir(chart, `OwnVolume${volumeIds++}`, vm.volume) })),
    envVariables: m.env && Object.fromEntries(Object.entries(m.env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
    lifecycle: m.postStart ? { postStart: kplus.Handler.fromCommand(USER_POST_START) } : undefined,
    readiness: probe('readiness'),
    liveness: probe('liveness'),
    startup: probe('startup'),
    longRunning: m.longRunning,
    nativeSidecar: m.nativeSidecar,
    scratchMounts: m.scratchMounts?.map(s => ({
      path: s.path,
      volume: s.volume,
      medium: s.medium && kplus.EmptyDirMedium.MEMORY,
      sizeLimit: s.sizeLimit && toSize(s.sizeLimit),
    })),
    ...m.restartPolicy === undefined ? {} : { restartPolicy: m.restartPolicy },
  };
}

function common(chart: Chart, m: CommonModel) {
  return { initContainers: m.initContainers?.map(c => containerProps(chart, c)) };
}

function addLater(chart: Chart, pod: MultiContainerPod, m: CommonModel) {
  if (m.addedLater) pod.pod.addContainer(containerProps(chart, m.addedLater));
}

/** A fresh app and chart per run: nothing is shared between runs. */
export function freshChart(): { app: App; chart: Chart } {
  const app = new App();
  return { app, chart: new Chart(app, CHART_ID) };
}

export function buildSharedVolumePod(chart: Chart, m: SharedVolumePodModel): SharedVolumePod {
  const pod = new SharedVolumePod(chart, POD_ID, {
    ...common(chart, m),
    containers: m.containers.map(c => ({ ...containerProps(chart, c), sharedMounts: c.sharedMounts?.map(s => ({ ...s })) })),
    volumes: m.volumes?.map(v => ({
      name: v.name,
      medium: v.medium === undefined ? undefined : v.medium === 'Memory' ? kplus.EmptyDirMedium.MEMORY : kplus.EmptyDirMedium.DEFAULT,
      sizeLimit: v.sizeLimit && toSize(v.sizeLimit),
    })),
  });
  addLater(chart, pod, m);
  return pod;
}

export function buildIpcProducerConsumerPod(chart: Chart, m: IpcProducerConsumerPodModel): IpcProducerConsumerPod {
  const pod = new IpcProducerConsumerPod(chart, POD_ID, {
    ...common(chart, m),
    producer: containerProps(chart, m.producer),
    consumer: containerProps(chart, m.consumer),
    readiness: toReadiness(m.readiness),
    startupGate: m.startupGate && StartupGate[m.startupGate],
    shmSize: m.shmSize && toSize(m.shmSize),
  });
  addLater(chart, pod, m);
  return pod;
}

export function buildLocalhostSidecarPod(chart: Chart, m: LocalhostSidecarPodModel): LocalhostSidecarPod {
  const pod = new LocalhostSidecarPod(chart, POD_ID, {
    ...common(chart, m),
    main: containerProps(chart, m.main),
    sidecars: m.sidecars.map(s => containerProps(chart, s)),
    exposeMainAddress: m.exposeMainAddress,
  });
  addLater(chart, pod, m);
  return pod;
}

// ---------------------------------------------------------------------------------------------
// Printing: every model prints as the TypeScript that builds it.

export function lit(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') {
    // JSON's escapes (\n, \t, \uXXXX for C0 controls and unpaired surrogates) are valid TypeScript; escape the
    // other characters that would not show: DEL, C1 controls, line and paragraph separators, BOM, U+FFFE, U+FFFF.
    const body = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, '\\\'');
    return `'${body.replace(/[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
  }
  if (Array.isArray(value)) return `[${value.map(lit).join(', ')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return entries.length ? `{ ${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : lit(k)}: ${lit(v)}`).join(', ')} }` : '{}';
  }
  return String(value);
}

export function obj(entries: Array<[string, string | undefined]>): string {
  const kept = entries.filter((e): e is [string, string] => e[1] !== undefined);
  return kept.length ? `{ ${kept.map(([k, v]) => `${k}: ${v}`).join(', ')} }` : '{}';
}

export function sizeCode(m: SizeModel | undefined): string | undefined {
  return m && `Size.${m.unit}(${lit(m.amount)})`;
}

let volumeCodeIds = 0;
export function containerCode(m: ContainerModel & { readonly postStart?: boolean; readonly sharedMounts?: SharedMountModel[] }): string {
  return obj([
    ['name', m.name === undefined ? undefined : lit(m.name)],
    ['image', lit(m.image)],
    ['command', m.command && lit(m.command)],
    ['args', m.args && lit(m.args)],
    ['port', m.port === undefined ? undefined : lit(m.port)],
    ['portNumber', m.portNumber === undefined ? undefined : lit(m.portNumber)],
    ['ports', m.ports && `[${m.ports.map(p => obj([
      ['number', lit(p.number)],
      ['protocol', p.protocol && `kplus.Protocol.${p.protocol}`],
      ['name', p.name === undefined ? undefined : lit(p.name)],
      ['hostPort', p.hostPort === undefined ? undefined : lit(p.hostPort)],
    ])).join(', ')}]`],
    ['volumeMounts', m.volumeMounts && `[${m.volumeMounts.map((vm, k) => obj([
      ['path', lit(vm.path)],
      ['subPath', vm.subPath === undefined ? undefined : lit(vm.subPath)],
      // Construct ids must be unique in the chart: one per mount of the printed code.
      ['volume', `kplus.Volume.fromEmptyDir(chart, ${lit(`v${volumeCodeIds++}-${k}`)}, ${lit(vm.volume)})`],
    ])).join(', ')}]`],
    ['envVariables', m.env && obj(Object.entries(m.env).map(([k, v]) => [/^[A-Za-z_$][\w$]*$/.test(k) ? k : lit(k), `kplus.EnvValue.fromValue(${lit(v)})`]))],
    ['lifecycle', m.postStart ? `{ postStart: kplus.Handler.fromCommand(${lit(USER_POST_START)}) }` : undefined],
    ...(['readiness', 'liveness', 'startup'] as const).map((kind): [string, string | undefined] =>
      [kind, m.probes?.includes(kind) ? `kplus.Probe.fromCommand(${lit(PROBE_COMMAND)})` : undefined]),
    ['longRunning', m.longRunning === undefined ? undefined : String(m.longRunning)],
    ['nativeSidecar', m.nativeSidecar === undefined ? undefined : String(m.nativeSidecar)],
    ['scratchMounts', m.scratchMounts && `[${m.scratchMounts.map(s => obj([
      ['path', lit(s.path)],
      ['volume', s.volume === undefined ? undefined : lit(s.volume)],
      ['medium', s.medium && 'kplus.EmptyDirMedium.MEMORY'],
      ['sizeLimit', sizeCode(s.sizeLimit)],
    ])).join(', ')}]`],
    ['sharedMounts', m.sharedMounts && lit(m.sharedMounts)],
    // Through a cast, as a user would set it.
    ['...({ restartPolicy', m.restartPolicy === undefined ? undefined : `${lit(m.restartPolicy)} } as object)`],
  ]);
}

export function readinessCode(m: ReadinessModel): string {
  if (m.kind === 'none') return 'IpcReadiness.none()';
  const arg = 'key' in m ? lit(m.key) : lit(m.arg);
  const options = obj([
    ['timeout', m.timeoutMs === undefined ? undefined : `Duration.millis(${lit(m.timeoutMs)})`],
    ['pollInterval', m.pollMs === undefined ? undefined : `Duration.millis(${lit(m.pollMs)})`],
  ]);
  return `IpcReadiness.${m.kind}(${arg}${options === '{}' ? '' : `, ${options}`})`;
}

function commonCode(m: CommonModel): Array<[string, string | undefined]> {
  return [['initContainers', m.initContainers && `[${m.initContainers.map(containerCode).join(', ')}]`]];
}

function render(construct: string, props: string, m: CommonModel): string {
  const later = m.addedLater ? `\npod.pod.addContainer(${containerCode(m.addedLater)});` : '';
  return `const pod = new ${construct}(chart, '${POD_ID}', ${props});${later}`;
}

export function sharedVolumePodCode(m: SharedVolumePodModel): string {
  return render('SharedVolumePod', obj([
    ...commonCode(m),
    ['containers', `[${m.containers.map(containerCode).join(', ')}]`],
    ['volumes', m.volumes && `[${m.volumes.map(v => obj([
      ['name', lit(v.name)],
      ['medium', v.medium === undefined ? undefined : v.medium === 'Memory' ? 'kplus.EmptyDirMedium.MEMORY' : 'kplus.EmptyDirMedium.DEFAULT'],
      ['sizeLimit', sizeCode(v.sizeLimit)],
    ])).join(', ')}]`],
  ]), m);
}

export function ipcProducerConsumerPodCode(m: IpcProducerConsumerPodModel): string {
  return render('IpcProducerConsumerPod', obj([
    ...commonCode(m),
    ['producer', containerCode(m.producer)],
    ['consumer', containerCode(m.consumer)],
    ['readiness', readinessCode(m.readiness)],
    ['startupGate', m.startupGate && `StartupGate.${m.startupGate}`],
    ['shmSize', sizeCode(m.shmSize)],
  ]), m);
}

export function localhostSidecarPodCode(m: LocalhostSidecarPodModel): string {
  return render('LocalhostSidecarPod', obj([
    ...commonCode(m),
    ['main', containerCode(m.main)],
    ['sidecars', `[${m.sidecars.map(containerCode).join(', ')}]`],
    ['exposeMainAddress', m.exposeMainAddress === undefined ? undefined : String(m.exposeMainAddress)],
  ]), m);
}

/** Makes fast-check (and jest) print a model as the code that reproduces it. */
export function printable<T extends object>(model: T, code: (m: T) => string): T {
  Object.defineProperty(model, fc.toStringMethod, { value: () => `\n${code(model)}\n`, enumerable: false });
  return model;
}
