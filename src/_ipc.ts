// The IPC producer/consumer pattern, applied to any cdk8s-plus pod.
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addContainer, mountsVolume, withOverrides } from './_containers';
import { NO_VIOLATIONS, show, sizeLimitViolation, violation, Violation } from './_pod-rules';
import { IpcProducerConsumerPodProps } from './ipc-producer-consumer-pod';
import { StartupGate } from './ipc-readiness';

/** The volume name of the memory-backed /dev/shm, the idiom's usual name. */
export const SHM_VOLUME_NAME = 'dshm';
const SHM_PATH = '/dev/shm';

export interface AppliedIpc {
  readonly producer: kplus.Container;
  readonly consumer: kplus.Container;
  readonly shmVolume?: kplus.Volume;
  /** Violations found while applying; `shmMissing` adds what only synth can tell. */
  readonly violations: ReadonlyArray<Violation>;
}

/**
 * Adds the producer (first) and the consumer to `pod`, with the startup gate and /dev/shm.
 * Never throws on bad input: what is wrong is reported by `violations` at synth time.
 */
export function applyIpc(scope: Construct, pod: kplus.AbstractPod, props: IpcProducerConsumerPodProps, startupGate: StartupGate): AppliedIpc {
  const found: Violation[] = [];
  const readiness = props.readiness;
  if (readiness.problem) {
    found.push(violation('ipc-readiness-valid', 'readiness', `${readiness.description}: ${readiness.problem}`,
      'pass a valid name, key, path or condition to the IpcReadiness factory, or IpcReadiness.none() for no ordering'));
  }
  const gated = readiness.condition !== undefined && !readiness.problem;
  const consumerWaits = gated && startupGate !== StartupGate.PRODUCER_POST_START;
  const producerHook = gated && startupGate !== StartupGate.CONSUMER_WAITS;

  let producerProps: kplus.ContainerProps = (props.producer.name !== undefined ? props.producer : withOverrides(props.producer, { name: 'producer' }));
  if (producerHook) {
    if (producerProps.lifecycle?.postStart) {
      found.push(violation('ipc-producer-post-start', 'producer.lifecycle.postStart',
        `the producer already has a postStart hook, and startupGate ${startupGate} needs it to wait for ${readiness.description}`,
        'drop the producer\'s postStart hook, or use StartupGate.CONSUMER_WAITS'));
    } else {
      producerProps = withOverrides(producerProps, {
        lifecycle: { ...producerProps.lifecycle, postStart: kplus.Handler.fromCommand(['/bin/sh', '-c', readiness.waitScript()]) },
      });
    }
  }

  let consumerProps: kplus.ContainerProps = (props.consumer.name !== undefined ? props.consumer : withOverrides(props.consumer, { name: 'consumer' }));
  if (consumerWaits) {
    if (!consumerProps.command?.length) {
      found.push(violation('ipc-consumer-command', 'consumer.command',
        `the consumer must wait for ${readiness.description}, but its command is not set, received ${show(consumerProps.command)}; the image's entrypoint cannot be read at synth time`,
        'set consumer.command (and args) to what the image runs, e.g. [\'./ipc\', \'-consumer\'], or use StartupGate.PRODUCER_POST_START'));
    } else {
      // The original command and args become the wrapper's "$@", so `exec` keeps them verbatim.
      consumerProps = withOverrides(consumerProps, {
        command: ['/bin/sh', '-c', readiness.waitScript(), 'wait-for-producer', ...consumerProps.command, ...consumerProps.args ?? []],
        args: undefined,
      });
    }
  }

  const producer = addContainer(pod, producerProps, found, 'producer');
  const consumer = addContainer(pod, consumerProps, found, 'consumer');

  let shmVolume: kplus.Volume | undefined;
  if (props.shmSize) {
    const sizeProblem = sizeLimitViolation('shmSize', props.shmSize);
    if (sizeProblem) found.push(sizeProblem);
    shmVolume = kplus.Volume.fromEmptyDir(scope, 'Shm', SHM_VOLUME_NAME, {
      medium: kplus.EmptyDirMedium.MEMORY,
      sizeLimit: sizeProblem ? undefined : props.shmSize,
    });
    for (const container of [producer, consumer, ...pod.initContainers]) container.mount(SHM_PATH, shmVolume);
  }

  return {
    producer,
    consumer,
    shmVolume,
    violations: found.length ? found : NO_VIOLATIONS,
  };
}

/**
 * Every container must mount the memory-backed /dev/shm: one without it sees the sandbox's
 * own /dev/shm and cannot see the shared memory the others create. Read at synth time, so
 * that containers added after construction count.
 */
export function shmMissing(pod: kplus.AbstractPod, shm: kplus.Volume): ReadonlyArray<Violation> {
  let found = shmMissingIn(pod.containers, 'containers', shm, undefined);
  found = shmMissingIn(pod.initContainers, 'initContainers', shm, found);
  return found ?? NO_VIOLATIONS;
}

// Plain loops, no closures: this runs for every Pod on every synth.
function shmMissingIn(containers: kplus.Container[], key: string, shm: kplus.Volume, found: Violation[] | undefined): Violation[] | undefined {
  for (let i = 0; i < containers.length; i++) {
    const container = containers[i];
    if (mountsVolume(container, shm, SHM_PATH)) continue;
    (found ??= []).push(violation('shm-mounted-everywhere', `spec.${key}[${i}].volumeMounts`,
      `container ${show(container.name)} does not mount the shared memory volume ${show(shm.name)} at ${SHM_PATH}, so it cannot see the shared memory of the others`,
      `mount it: container.mount('${SHM_PATH}', ipcPod.shmVolume)`));
  }
  return found;
}
