import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { applyIpc, shmMissing } from './_ipc';
import { ContainerCountRequirement, Violation } from './_pod-rules';
import { IpcReadiness, StartupGate } from './ipc-readiness';
import { MultiContainerPod, MultiContainerPodOptions } from './multi-container-pod';

/**
 * Props of `IpcProducerConsumerPod`.
 */
export interface IpcProducerConsumerPodProps extends MultiContainerPodOptions {
  /**
   * The container that creates the IPC object (queue, shared memory) and writes to it.
   * It is listed first in the Pod. Its name defaults to `producer`.
   */
  readonly producer: kplus.ContainerProps;

  /**
   * The container that reads from the producer's IPC object. Its name defaults to `consumer`.
   * With `StartupGate.CONSUMER_WAITS`, set its `command` (its image needs `sh`).
   */
  readonly consumer: kplus.ContainerProps;

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

  /**
   * The Pod's restart policy. `Never` lets the Pod complete once both containers exit.
   * @default RestartPolicy.NEVER
   */
  readonly restartPolicy?: kplus.RestartPolicy;
}

/**
 * A producer and a consumer container talking through the Pod's shared IPC namespace:
 * System V or POSIX message queues, POSIX shared memory in `/dev/shm`.
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

  private readonly buildViolations: ReadonlyArray<Violation>;

  constructor(scope: Construct, id: string, props: IpcProducerConsumerPodProps) {
    super(scope, id, props, props.restartPolicy ?? kplus.RestartPolicy.NEVER);
    this.readiness = props.readiness;
    this.startupGate = props.startupGate ?? StartupGate.CONSUMER_WAITS;
    const applied = applyIpc(this, this, props, this.startupGate);
    this.producer = applied.producer;
    this.consumer = applied.consumer;
    this.shmVolume = applied.shmVolume;
    this.buildViolations = applied.violations;
    this._validateAtSynth(REQUIREMENT);
  }

  /** @internal */
  protected _patternViolations(): ReadonlyArray<Violation> {
    if (!this.shmVolume) return this.buildViolations;
    const missing = shmMissing(this, this.shmVolume);
    return this.buildViolations.length ? [...this.buildViolations, ...missing] : missing;
  }
}

const REQUIREMENT: ContainerCountRequirement = { min: 2, why: 'an IpcProducerConsumerPod', fix: 'set both `producer` and `consumer`' };
