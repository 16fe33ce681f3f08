// Plain-data descriptions of a workload of any kind with patterns applied to it, as the workload
// properties generate them: the workload (kind, restart policy, a StatefulSet's first
// containers or its own Service), then steps in order: containers, init containers and volumes
// added by other code (straight to cdk8s-plus), the patterns (SharedVolumes,
// IpcProducerConsumer, LocalhostSidecars), and what joins a pattern later (addContainer,
// addMounts, addConsumer, addSidecar), or a port bound on a StatefulSet's Service.
//
// `buildWorkload` turns one into real constructs in a fresh chart; every model prints itself as
// the TypeScript that reproduces it.
import { Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CHART_ID, ContainerModel, containerCode, containerProps, lit, obj, POD_ID, printable, ReadinessModel, readinessCode, SharedMountModel,
  SharedVolumeModel,
  sizeCode, SizeModel, toReadiness, toSize,
} from './model';
import { HelperContainer, IpcProducerConsumer, LocalhostSidecars, SharedVolumes, StartupGate } from '../../src';

export type WorkloadKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';
export const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
export type RestartPolicyModel = 'Always' | 'Never' | 'OnFailure';

/** The workload's construct path: errors of the workload's own check are prefixed with it. */
export const WORKLOAD_PATH = `${CHART_ID}/${POD_ID}`;
/** The construct id of the n-th step (a pattern's id, `p<n>`), and its path. */
export const patternId = (n: number) => `p${n}`;
export const patternPath = (n: number) => `${CHART_ID}/${patternId(n)}`;

export type SharedVolumeContainerModel = ContainerModel & { readonly sharedMounts?: SharedMountModel[] };
export type ProducerModel = ContainerModel & { readonly postStart?: boolean };
export type GateModel = 'CONSUMER_WAITS' | 'PRODUCER_POST_START' | 'BOTH' | 'NATIVE_SIDECAR';

export type StepModel =
  /** Other code: `workload.addContainer(props)`. */
  | { readonly op: 'addContainer'; readonly container: ContainerModel }
  /** Other code: `workload.addInitContainer(props)`. */
  | { readonly op: 'addInitContainer'; readonly container: ContainerModel }
  /** Other code: `workload.addVolume(Volume.fromEmptyDir(...))`. */
  | { readonly op: 'addVolume'; readonly name: string }
  | { readonly op: 'SharedVolumes'; readonly volumes?: SharedVolumeModel[]; readonly containers?: SharedVolumeContainerModel[] }
  | {
    readonly op: 'IpcProducerConsumer';
    readonly producer: ProducerModel;
    readonly consumer: ContainerModel;
    readonly readiness: ReadinessModel;
    readonly startupGate?: GateModel;
    readonly shmSize?: SizeModel;
  }
  | { readonly op: 'LocalhostSidecars'; readonly main: ContainerModel; readonly sidecars: ContainerModel[]; readonly exposeMainAddress?: boolean }
  /** `new HelperContainer(chart, id, { workload, ...container })`: one helper, outside any pattern. */
  | { readonly op: 'HelperContainer'; readonly container: ContainerModel }
  /** `sharedVolumes.addContainer(props)` on the pattern made by step `pattern`. */
  | { readonly op: 'addSharedContainer'; readonly pattern: number; readonly container: SharedVolumeContainerModel }
  /** `sharedVolumes.addMounts(c, mounts)`, c the `container`-th of `[...workload.containers, ...workload.initContainers]` then. */
  | { readonly op: 'addMounts'; readonly pattern: number; readonly container: number; readonly mounts: SharedMountModel[] }
  | { readonly op: 'addConsumer'; readonly pattern: number; readonly consumer: ContainerModel }
  | { readonly op: 'addSidecar'; readonly pattern: number; readonly sidecar: ContainerModel }
  /** `statefulSet.service.bind(port, { name })`. */
  | { readonly op: 'bind'; readonly port: number; readonly name: string };

export interface WorkloadModel {
  readonly kind: WorkloadKind;
  readonly restartPolicy?: RestartPolicyModel;
  /** StatefulSet: the containers it is created with (cdk8s-plus builds its headless Service from their ports). */
  readonly initial?: ContainerModel[];
  /** StatefulSet: a Service of the user's own (the library then leaves its ports alone). */
  readonly ownService?: boolean;
  readonly steps: StepModel[];
}

export const PATTERN_OPS = ['SharedVolumes', 'IpcProducerConsumer', 'LocalhostSidecars', 'HelperContainer'] as const;
export type PatternOp = typeof PATTERN_OPS[number];

// ---------------------------------------------------------------------------------------------
// Building

function makeWorkload(chart: Chart, m: WorkloadModel): kplus.AbstractPod {
  // A key set to undefined would override the kind's default (cdk8s-plus spreads props): leave it out.
  const policy = m.restartPolicy === undefined ? {} : { restartPolicy: restartPolicyOf(m.restartPolicy) };
  switch (m.kind) {
    case 'Pod': return new kplus.Pod(chart, POD_ID, policy);
    case 'Deployment': return new kplus.Deployment(chart, POD_ID, policy);
    case 'DaemonSet': return new kplus.DaemonSet(chart, POD_ID, policy);
    case 'Job': return new kplus.Job(chart, POD_ID, policy);
    case 'CronJob': return new kplus.CronJob(chart, POD_ID, { ...policy, schedule: Cron.daily() });
    case 'StatefulSet': return new kplus.StatefulSet(chart, POD_ID, {
      ...policy,
      containers: m.initial?.map(c => containerProps(chart, c)),
      service: m.ownService ? new kplus.Service(chart, 'svc', { ports: [{ port: 80 }], clusterIP: 'None' }) : undefined,
    });
  }
}

function restartPolicyOf(p: RestartPolicyModel): kplus.RestartPolicy {
  return { Always: kplus.RestartPolicy.ALWAYS, Never: kplus.RestartPolicy.NEVER, OnFailure: kplus.RestartPolicy.ON_FAILURE }[p];
}

function sharedVolumes(m: SharedVolumeModel[] | undefined) {
  return m?.map(v => ({
    name: v.name,
    medium: v.medium === undefined ? undefined : v.medium === 'Memory' ? kplus.EmptyDirMedium.MEMORY : kplus.EmptyDirMedium.DEFAULT,
    sizeLimit: v.sizeLimit && toSize(v.sizeLimit),
  }));
}

function sharedContainer(chart: Chart, c: SharedVolumeContainerModel) {
  return { ...containerProps(chart, c), sharedMounts: c.sharedMounts?.map(s => ({ ...s })) };
}

/** Builds the workload and applies the steps in order; returns the workload. */
export function buildWorkload(chart: Chart, m: WorkloadModel): kplus.AbstractPod {
  const workload = makeWorkload(chart, m);
  const patterns = new Map<number, unknown>();
  m.steps.forEach((step, n) => {
    switch (step.op) {
      case 'addContainer': workload.addContainer(containerProps(chart, step.container)); break;
      case 'addInitContainer': workload.addInitContainer(containerProps(chart, step.container)); break;
      case 'addVolume': workload.addVolume(kplus.Volume.fromEmptyDir(chart, `added-${n}`, step.name)); break;
      case 'SharedVolumes':
        patterns.set(n, new SharedVolumes(chart, patternId(n), {
          workload,
          volumes: sharedVolumes(step.volumes),
          containers: step.containers?.map(c => sharedContainer(chart, c)),
        }));
        break;
      case 'IpcProducerConsumer':
        patterns.set(n, new IpcProducerConsumer(chart, patternId(n), {
          workload,
          producer: containerProps(chart, step.producer),
          consumer: containerProps(chart, step.consumer),
          readiness: toReadiness(step.readiness),
          startupGate: step.startupGate && StartupGate[step.startupGate],
          shmSize: step.shmSize && toSize(step.shmSize),
        }));
        break;
      case 'LocalhostSidecars':
        patterns.set(n, new LocalhostSidecars(chart, patternId(n), {
          workload,
          main: containerProps(chart, step.main),
          sidecars: step.sidecars.map(s => containerProps(chart, s)),
          exposeMainAddress: step.exposeMainAddress,
        }));
        break;
      case 'HelperContainer': new HelperContainer(chart, patternId(n), { workload, ...containerProps(chart, step.container) }); break;
      case 'addSharedContainer': (patterns.get(step.pattern) as SharedVolumes).addContainer(sharedContainer(chart, step.container)); break;
      case 'addMounts': {
        const all = [...workload.containers, ...workload.initContainers];
        (patterns.get(step.pattern) as SharedVolumes).addMounts(all[step.container], step.mounts.map(s => ({ ...s })));
        break;
      }
      case 'addConsumer': (patterns.get(step.pattern) as IpcProducerConsumer).addConsumer(containerProps(chart, step.consumer)); break;
      case 'addSidecar': (patterns.get(step.pattern) as LocalhostSidecars).addSidecar(containerProps(chart, step.sidecar)); break;
      case 'bind': (workload as kplus.StatefulSet).service.bind(step.port, { name: step.name }); break;
    }
  });
  return workload;
}

// ---------------------------------------------------------------------------------------------
// Printing

function sharedVolumesCode(m: SharedVolumeModel[] | undefined): string | undefined {
  return m && `[${m.map(v => obj([
    ['name', lit(v.name)],
    ['medium', v.medium === undefined ? undefined : v.medium === 'Memory' ? 'kplus.EmptyDirMedium.MEMORY' : 'kplus.EmptyDirMedium.DEFAULT'],
    ['sizeLimit', sizeCode(v.sizeLimit)],
  ])).join(', ')}]`;
}

function stepCode(step: StepModel, n: number): string {
  const id = patternId(n);
  switch (step.op) {
    case 'addContainer': return `pod.addContainer(${containerCode(step.container)});`;
    case 'addInitContainer': return `pod.addInitContainer(${containerCode(step.container)});`;
    case 'addVolume': return `pod.addVolume(kplus.Volume.fromEmptyDir(chart, 'added-${n}', ${lit(step.name)}));`;
    case 'SharedVolumes': return `const ${id} = new SharedVolumes(chart, '${id}', ${obj([
      ['workload', 'pod'],
      ['volumes', sharedVolumesCode(step.volumes)],
      ['containers', step.containers && `[${step.containers.map(containerCode).join(', ')}]`],
    ])});`;
    case 'IpcProducerConsumer': return `const ${id} = new IpcProducerConsumer(chart, '${id}', ${obj([
      ['workload', 'pod'],
      ['producer', containerCode(step.producer)],
      ['consumer', containerCode(step.consumer)],
      ['readiness', readinessCode(step.readiness)],
      ['startupGate', step.startupGate && `StartupGate.${step.startupGate}`],
      ['shmSize', sizeCode(step.shmSize)],
    ])});`;
    case 'LocalhostSidecars': return `const ${id} = new LocalhostSidecars(chart, '${id}', ${obj([
      ['workload', 'pod'],
      ['main', containerCode(step.main)],
      ['sidecars', `[${step.sidecars.map(containerCode).join(', ')}]`],
      ['exposeMainAddress', step.exposeMainAddress === undefined ? undefined : String(step.exposeMainAddress)],
    ])});`;
    case 'HelperContainer': return `new HelperContainer(chart, '${id}', { workload: pod, ...${containerCode(step.container)} });`;
    case 'addSharedContainer': return `${patternId(step.pattern)}.addContainer(${containerCode(step.container)});`;
    case 'addMounts': return `${patternId(step.pattern)}.addMounts([...pod.containers, ...pod.initContainers][${step.container}], ${lit(step.mounts)});`;
    case 'addConsumer': return `${patternId(step.pattern)}.addConsumer(${containerCode(step.consumer)});`;
    case 'addSidecar': return `${patternId(step.pattern)}.addSidecar(${containerCode(step.sidecar)});`;
    case 'bind': return `pod.service.bind(${step.port}, { name: ${lit(step.name)} });`;
  }
}

export function workloadCode(m: WorkloadModel): string {
  const policy = m.restartPolicy && `kplus.RestartPolicy.${{ Always: 'ALWAYS', Never: 'NEVER', OnFailure: 'ON_FAILURE' }[m.restartPolicy]}`;
  const props = obj([
    ['restartPolicy', policy],
    ['schedule', m.kind === 'CronJob' ? 'Cron.daily()' : undefined],
    ['containers', m.initial && `[${m.initial.map(containerCode).join(', ')}]`],
    ['service', m.ownService ? 'new kplus.Service(chart, \'svc\', { ports: [{ port: 80 }], clusterIP: \'None\' })' : undefined],
  ]);
  return [`const pod = new kplus.${m.kind}(chart, '${POD_ID}', ${props});`, ...m.steps.map(stepCode)].join('\n');
}

export function printableWorkload(m: WorkloadModel): WorkloadModel {
  return printable(m, workloadCode);
}
