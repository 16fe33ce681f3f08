// The IPC producer/consumer pattern: containers talk through the Pod's shared IPC namespace.
// One implementation, applied to any workload (`IpcProducerConsumer`) or built as a Pod
// (`IpcProducerConsumerPod`).
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addPatternContainer, mountsVolume, withOverrides } from './_containers';
import { PatternChecks, PropsCheck, WORKLOAD } from './_pattern';
import { ContainerCountRequirement, requiredProp, show, sizeLimitViolation, violation, Violation } from './_pod-rules';
import { WorkloadChecks } from './_workload';
import { IpcReadiness, StartupGate } from './ipc-readiness';
import { MultiContainerPod, MultiContainerPodOptions } from './multi-container-pod';
import { PatternContainerProps } from './pattern-container';

/** The volume name of the memory-backed /dev/shm, the idiom's usual name. */
const SHM_VOLUME_NAME = 'dshm';
const SHM_PATH = '/dev/shm';

/**
 * What an IPC producer/consumer pair is made of, on a Pod or on any workload.
 */
export interface IpcProducerConsumerOptions {
  /**
   * The container that creates the IPC object (queue, shared memory) and writes to it.
   * It is added first. Its name defaults to `producer`.
   */
  readonly producer: PatternContainerProps;

  /**
   * The container that reads from the producer's IPC object. Its name defaults to `consumer`.
   * With `StartupGate.CONSUMER_WAITS`, set its `command` (its image needs `sh`).
   */
  readonly consumer: PatternContainerProps;

  /**
   * When the producer's IPC object is ready for the consumer, e.g.
   * `IpcReadiness.posixMessageQueue('/ch6_ipc')`. `IpcReadiness.none()` turns ordering off.
   */
  readonly readiness: IpcReadiness;

  /**
   * How the readiness condition is enforced.
   * @default StartupGate.CONSUMER_WAITS
   */
  readonly startupGate?: StartupGate;

  /**
   * Size of a memory-backed `/dev/shm` (an `emptyDir` with `medium: Memory`) mounted in every
   * container, for POSIX shared memory larger than the runtime's default. It counts against the
   * containers' memory limits. A whole number of mebibytes.
   * @default - the container runtime's shared /dev/shm (64Mi with containerd, CRI-O and podman)
   */
  readonly shmSize?: Size;
}

/**
 * Props of `IpcProducerConsumer`.
 */
export interface IpcProducerConsumerProps extends IpcProducerConsumerOptions {
  /**
   * The workload whose Pods hold the pair: a `kplus.Pod`, `Deployment`, `StatefulSet`,
   * `DaemonSet`, `Job` or `CronJob`.
   */
  readonly workload: kplus.AbstractPod;
}

/**
 * A producer and a consumer container of a workload talking through the Pod's shared IPC
 * namespace: System V or POSIX message queues, POSIX shared memory in `/dev/shm`.
 *
 * The consumer does not start consuming before the producer's IPC object exists: the readiness
 * condition is enforced by the `startupGate`. More consumers join with `addConsumer`, and are
 * held back the same way.
 */
export class IpcProducerConsumer extends Construct {
  /** The workload the pair was added to. */
  public readonly workload: kplus.AbstractPod;

  /** The producer container. */
  public readonly producer: kplus.Container;

  /** The consumer container. */
  public readonly consumer: kplus.Container;

  /** The readiness condition enforced. */
  public readonly readiness: IpcReadiness;

  /** How the readiness condition is enforced. */
  public readonly startupGate: StartupGate;

  /** The memory-backed volume mounted at /dev/shm, when `shmSize` is set. */
  public readonly shmVolume?: kplus.Volume;

  private readonly pair: IpcPair;

  constructor(scope: Construct, id: string, props: IpcProducerConsumerProps) {
    super(scope, id);
    const check = new PropsCheck(this);
    check.required('props', props, 'a props object');
    this.workload = check.required('workload', props.workload, WORKLOAD, kplus.AbstractPod);
    this.pair = new IpcPair(this, this.workload, props);
    this.producer = this.pair.producer;
    this.consumer = this.pair.consumer;
    this.readiness = this.pair.readiness;
    this.startupGate = this.pair.startupGate;
    this.shmVolume = this.pair.shmVolume;
    this.node.addValidation(this.pair.checks());
  }

  /**
   * Adds another consumer, held back by the same readiness condition and mounting `/dev/shm`
   * when `shmSize` is set. Its name defaults to `consumer-<n>`.
   * @param props the consumer
   * @returns the container added
   */
  public addConsumer(props: PatternContainerProps): kplus.Container {
    return this.pair.addConsumer(props);
  }
}

/**
 * Props of `IpcProducerConsumerPod`.
 */
export interface IpcProducerConsumerPodProps extends MultiContainerPodOptions, IpcProducerConsumerOptions {
  /**
   * The Pod's restart policy. `Never` lets the Pod complete once both containers exit.
   * @default RestartPolicy.NEVER
   */
  readonly restartPolicy?: kplus.RestartPolicy;
}

/**
 * A producer and a consumer container talking through the Pod's shared IPC namespace: the
 * `IpcProducerConsumer` pattern as a Pod of its own.
 *
 * The consumer does not start consuming before the producer's IPC object exists: the readiness
 * condition is enforced by the `startupGate`.
 */
export class IpcProducerConsumerPod extends MultiContainerPod {
  /** The producer container (first in the Pod). */
  public readonly producer: kplus.Container;

  /** The consumer container. */
  public readonly consumer: kplus.Container;

  /** The readiness condition the Pod enforces. */
  public readonly readiness: IpcReadiness;

  /** How the readiness condition is enforced. */
  public readonly startupGate: StartupGate;

  /** The memory-backed volume mounted at /dev/shm, when `shmSize` is set. */
  public readonly shmVolume?: kplus.Volume;

  private readonly pair: IpcPair;

  constructor(scope: Construct, id: string, props: IpcProducerConsumerPodProps) {
    super(scope, id, props, props?.restartPolicy ?? kplus.RestartPolicy.NEVER);
    this._requireContainers(REQUIREMENT);
    this.pair = new IpcPair(this, this, props);
    this.producer = this.pair.producer;
    this.consumer = this.pair.consumer;
    this.readiness = this.pair.readiness;
    this.startupGate = this.pair.startupGate;
    this.shmVolume = this.pair.shmVolume;
    this.node.addValidation(this.pair.checks());
  }

  /**
   * Adds another consumer, held back by the same readiness condition and mounting `/dev/shm`
   * when `shmSize` is set. Its name defaults to `consumer-<n>`.
   * @param props the consumer
   * @returns the container added
   */
  public addConsumer(props: PatternContainerProps): kplus.Container {
    return this.pair.addConsumer(props);
  }
}

const REQUIREMENT: ContainerCountRequirement = { min: 2, why: 'an IpcProducerConsumerPod', fix: 'set both `producer` and `consumer`' };

/**
 * The pattern itself, shared by `IpcProducerConsumer` and `IpcProducerConsumerPod`: the producer
 * first, then the consumers behind the startup gate, and /dev/shm in every container.
 * Bad input never throws: it is kept, and reported at synth with its field.
 */
class IpcPair {
  public readonly producer: kplus.Container;
  public readonly consumer: kplus.Container;
  public readonly readiness: IpcReadiness;
  public readonly startupGate: StartupGate;
  public readonly shmVolume?: kplus.Volume;
  private readonly found: Violation[] = [];
  private readonly consumerWaits: boolean;
  private consumers = 0;

  constructor(private readonly scope: Construct, private readonly workload: kplus.AbstractPod, props: IpcProducerConsumerOptions) {
    const check = new PropsCheck(scope);
    check.required('producer', props.producer, 'the producer\'s container props');
    check.required('consumer', props.consumer, 'the consumer\'s container props');
    this.readiness = check.required('readiness', props.readiness, 'an IpcReadiness (e.g. IpcReadiness.posixMessageQueue(\'/q\'), or IpcReadiness.none())', IpcReadiness);
    this.startupGate = props.startupGate ?? StartupGate.CONSUMER_WAITS;
    if (!Object.values(StartupGate).includes(this.startupGate)) {
      this.found.push(requiredProp('startupGate', this.startupGate, `one of StartupGate's values (${Object.values(StartupGate).join(', ')})`));
    }
    const readiness = this.readiness;
    if (readiness.problem) {
      this.found.push(violation('ipc-readiness-valid', 'readiness', `${readiness.description}: ${readiness.problem}`,
        'pass a valid name, key, path or condition to the IpcReadiness factory, or IpcReadiness.none() for no ordering'));
    }
    const gated = readiness.condition !== undefined && !readiness.problem;
    const gate = this.startupGate;
    this.consumerWaits = gated && (gate === StartupGate.CONSUMER_WAITS || gate === StartupGate.BOTH);
    const producerHook = gated && (gate === StartupGate.PRODUCER_POST_START || gate === StartupGate.BOTH);

    let producerProps: PatternContainerProps = props.producer.name !== undefined ? props.producer : withOverrides(props.producer, { name: 'producer' });
    if (producerHook) {
      if (producerProps.lifecycle?.postStart) {
        this.found.push(violation('ipc-producer-post-start', 'producer.lifecycle.postStart',
          `the producer already has a postStart hook, and startupGate ${this.startupGate} needs it to wait for ${readiness.description}`,
          'drop the producer\'s postStart hook, or use StartupGate.CONSUMER_WAITS'));
      } else {
        producerProps = withOverrides(producerProps, {
          lifecycle: { ...producerProps.lifecycle, postStart: kplus.Handler.fromCommand(readiness.waitCommand()) },
        });
      }
    }
    if (gate === StartupGate.NATIVE_SIDECAR) producerProps = this.asNativeSidecar(producerProps, gated);
    this.producer = addPatternContainer(scope, workload, producerProps, this.found, 'producer');

    if (props.shmSize) {
      const sizeProblem = sizeLimitViolation('shmSize', props.shmSize);
      if (sizeProblem) this.found.push(sizeProblem);
      this.shmVolume = kplus.Volume.fromEmptyDir(scope, 'Shm', SHM_VOLUME_NAME, {
        medium: kplus.EmptyDirMedium.MEMORY,
        sizeLimit: sizeProblem ? undefined : props.shmSize,
      });
      // Every container of the workload so far; later ones are checked at synth.
      for (const container of [...workload.initContainers, ...workload.containers]) container.mount(SHM_PATH, this.shmVolume);
    }
    this.consumer = this.addConsumer(props.consumer, 'consumer');
  }

  /**
   * The producer as a native sidecar whose startup probe is the readiness condition. Only a
   * producer that keeps running can be one: the kubelet restarts a sidecar that exits.
   */
  private asNativeSidecar(producer: PatternContainerProps, gated: boolean): PatternContainerProps {
    if (producer.longRunning === undefined) {
      this.found.push(violation('native-sidecar-exits', 'producer.longRunning',
        `startupGate NATIVE_SIDECAR makes the producer a native sidecar, which the kubelet restarts whenever it exits, and the producer is not declared to keep running, received ${show(producer.longRunning)}; `
        + 'a producer that sends its messages and exits (like ch6_ipc) would start again and send them again',
        'for a producer that exits when done, use StartupGate.CONSUMER_WAITS (the default); for one that keeps running (a server, a daemon), declare producer.longRunning: true'));
    }
    if (gated && producer.startup) {
      this.found.push(violation('ipc-producer-startup-probe', 'producer.startup',
        `the producer already has a startup probe, and startupGate NATIVE_SIDECAR needs it to test ${this.readiness.description}`,
        'drop the producer\'s startup probe, or use another startupGate'));
    }
    const startup = gated && !producer.startup ? this.readiness.startupProbe() : producer.startup;
    return withOverrides(producer, { nativeSidecar: true, startup });
  }

  public addConsumer(props: PatternContainerProps, field?: string): kplus.Container {
    const n = this.consumers++;
    const name = props.name ?? (n === 0 ? 'consumer' : `consumer-${n}`);
    field ??= `addConsumer(${show(name)})`;
    let consumerProps: PatternContainerProps = props.name !== undefined ? props : withOverrides(props, { name });
    if (this.consumerWaits) {
      if (!consumerProps.command?.length) {
        this.found.push(violation('ipc-consumer-command', `${field}.command`,
          `the consumer must wait for ${this.readiness.description}, but its command is not set, received ${show(consumerProps.command)}; the image's entrypoint cannot be read at synth time`,
          'set the consumer\'s command (and args) to what the image runs, e.g. [\'./ipc\', \'-consumer\'], or use StartupGate.PRODUCER_POST_START'));
      } else {
        // The original command and args become the wrapper's "$@", so `exec` keeps them verbatim.
        consumerProps = withOverrides(consumerProps, {
          command: this.readiness.waitCommand([...consumerProps.command, ...consumerProps.args ?? []]),
          args: undefined,
        });
      }
    }
    const consumer = addPatternContainer(this.scope, this.workload, consumerProps, this.found, field);
    if (this.shmVolume) consumer.mount(SHM_PATH, this.shmVolume);
    return consumer;
  }

  /** The pattern's synth-time check; the workload's own (every container together) runs too. */
  public checks(): PatternChecks {
    WorkloadChecks.of(this.workload);
    return new PatternChecks(this.found, () => this.shmMissing());
  }

  /**
   * Every container must mount the memory-backed /dev/shm: one without it sees the sandbox's
   * own /dev/shm and cannot see the shared memory the others create. Read at synth time, so
   * that containers added after construction count.
   */
  private shmMissing(): Violation[] {
    const shm = this.shmVolume;
    const found: Violation[] = [];
    if (!shm) return found;
    const spec = WorkloadChecks.of(this.workload).spec;
    const check = (containers: kplus.Container[], key: string) => containers.forEach((container, i) => {
      if (mountsVolume(container, shm, SHM_PATH)) return;
      found.push(violation('shm-mounted-everywhere', `${spec}.${key}[${i}].volumeMounts`,
        `container ${show(container.name)} does not mount the shared memory volume ${show(shm.name)} at ${SHM_PATH}, so it cannot see the shared memory of the others`,
        `mount it: container.mount('${SHM_PATH}', ipc.shmVolume)`));
    });
    check(this.workload.containers, 'containers');
    check(this.workload.initContainers, 'initContainers');
    return found;
  }
}
