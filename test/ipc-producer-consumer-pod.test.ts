import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IpcProducerConsumerPod, IpcReadiness, StartupGate } from '../src';
import { container, synthError, synthPod } from './_helpers';

const producer = { image: 'allingeek/ch6_ipc', command: ['./ipc', '-producer'] };
const consumer = { image: 'allingeek/ch6_ipc', command: ['./ipc'], args: ['-consumer'] };
const queue = IpcReadiness.posixMessageQueue('/ch6_ipc');

describe('IpcProducerConsumerPod', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    new IpcProducerConsumerPod(chart, 'pod', { producer, consumer, readiness: queue });
    const pod = synthPod(chart);
    expect(pod).toMatchSnapshot();
    // Completes once both exit; producer first.
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['producer', 'consumer']);
    // The consumer waits for the queue, then execs its own command and args unchanged.
    const c = container(pod, 'consumer');
    expect(c.command).toEqual(['/bin/sh', '-c', IpcReadiness.WAIT_SCRIPT, 'wait-for-producer', queue.condition, '60', '1',
      'cdk8s-multicontainer: gave up after 1 minute waiting for POSIX message queue /ch6_ipc; is the producer running?', './ipc', '-consumer']);
    expect(c.args).toBeUndefined();
    expect(c.command[4]).toBe("[ -e '/dev/mqueue/ch6_ipc' ]");
    // The producer is untouched.
    expect(container(pod, 'producer').command).toEqual(['./ipc', '-producer']);
    expect(container(pod, 'producer').lifecycle).toBeUndefined();
    expect(pod.spec.volumes).toBeUndefined();
  });

  test('PRODUCER_POST_START gates with a hook on the producer and leaves the consumer alone', () => {
    const chart = Testing.chart();
    new IpcProducerConsumerPod(chart, 'pod', { producer, consumer, readiness: queue, startupGate: StartupGate.PRODUCER_POST_START });
    const pod = synthPod(chart);
    expect(container(pod, 'producer').lifecycle).toEqual({ postStart: { exec: { command: queue.waitCommand() } } });
    expect(container(pod, 'consumer').command).toEqual(['./ipc']);
    expect(container(pod, 'consumer').args).toEqual(['-consumer']);
  });

  test('BOTH gates', () => {
    const chart = Testing.chart();
    new IpcProducerConsumerPod(chart, 'pod', { producer, consumer, readiness: queue, startupGate: StartupGate.BOTH });
    const pod = synthPod(chart);
    expect(container(pod, 'producer').lifecycle.postStart.exec.command).toEqual(queue.waitCommand());
    expect(container(pod, 'consumer').command[0]).toBe('/bin/sh');
  });

  test('IpcReadiness.none() turns ordering off', () => {
    const chart = Testing.chart();
    new IpcProducerConsumerPod(chart, 'pod', { producer, consumer, readiness: IpcReadiness.none(), startupGate: StartupGate.BOTH });
    const pod = synthPod(chart);
    expect(container(pod, 'consumer').command).toEqual(['./ipc']);
    expect(container(pod, 'producer').lifecycle).toBeUndefined();
  });

  test('shmSize mounts a memory-backed /dev/shm in every container, init containers included', () => {
    const chart = Testing.chart();
    const ipc = new IpcProducerConsumerPod(chart, 'pod', {
      producer: { ...producer, name: 'writer' },
      consumer: { ...consumer, name: 'reader' },
      readiness: IpcReadiness.posixSharedMemory('/OS'),
      shmSize: Size.mebibytes(128),
      initContainers: [{ name: 'prepare', image: 'busybox', command: ['true'] }],
    });
    const pod = synthPod(chart);
    expect(pod.spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '128Mi' } }]);
    for (const name of ['writer', 'reader', 'prepare']) {
      expect(container(pod, name).volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
    }
    expect(ipc.shmVolume?.name).toBe('dshm');
    expect(ipc.producer.name).toBe('writer');
    expect(ipc.consumer.name).toBe('reader');
  });

  test('keeps cdk8s-plus secure defaults', () => {
    const chart = Testing.chart();
    new IpcProducerConsumerPod(chart, 'pod', { producer, consumer, readiness: queue });
    const pod = synthPod(chart);
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    for (const c of pod.spec.containers) {
      expect(c.securityContext).toMatchObject({
        runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
      });
    }
  });

  describe('fails at synth', () => {
    test('fails when the consumer must wait but has no command', () => {
      const chart = Testing.chart();
      new IpcProducerConsumerPod(chart, 'pod', { producer, consumer: { image: 'allingeek/ch6_ipc', args: ['-consumer'] }, readiness: queue });
      expect(synthError(chart)).toContain('[test/pod] consumer.command: the consumer must wait for POSIX message queue /ch6_ipc, but its command is not set, received undefined; '
        + 'the image\'s entrypoint cannot be read at synth time. fix: set the consumer\'s command (and args) to what the image runs');
    });

    test('fails when the producer already has a postStart hook the gate needs', () => {
      const chart = Testing.chart();
      new IpcProducerConsumerPod(chart, 'pod', {
        producer: { ...producer, lifecycle: { postStart: kplus.Handler.fromCommand(['true']) } },
        consumer,
        readiness: queue,
        startupGate: StartupGate.PRODUCER_POST_START,
      });
      expect(synthError(chart)).toContain('[test/pod] producer.lifecycle.postStart: the producer already has a postStart hook');
    });

    test('fails on an invalid readiness condition', () => {
      const chart = Testing.chart();
      new IpcProducerConsumerPod(chart, 'pod', { producer, consumer, readiness: IpcReadiness.posixMessageQueue('a/b') });
      expect(synthError(chart)).toContain('[test/pod] readiness: POSIX message queue a/b: a POSIX message queue name is "/" followed by 1 to 255 characters without "/", received "a/b". '
        + 'fix: pass a valid name, key, path or condition to the IpcReadiness factory');
    });

    test('fails on an invalid shmSize', () => {
      const chart = Testing.chart();
      new IpcProducerConsumerPod(chart, 'pod', { producer, consumer, readiness: queue, shmSize: Size.kibibytes(100) });
      expect(synthError(chart)).toContain('[test/pod] shmSize: size limit must be a positive whole number of mebibytes');
    });

    test('fails when a container added later does not mount /dev/shm', () => {
      const chart = Testing.chart();
      const ipc = new IpcProducerConsumerPod(chart, 'pod', { producer, consumer, readiness: queue, shmSize: Size.mebibytes(64) });
      ipc.pod.addContainer({ name: 'monitor', image: 'busybox' });
      expect(synthError(chart)).toContain('[test/pod] spec.containers[2].volumeMounts: container "monitor" does not mount the shared memory volume "dshm" at /dev/shm');
    });

    test('fails when producer and consumer have the same name', () => {
      const chart = Testing.chart();
      new IpcProducerConsumerPod(chart, 'pod', {
        producer: { ...producer, name: 'ipc' },
        consumer: { ...consumer, name: 'ipc' },
        readiness: queue,
      });
      expect(synthError(chart)).toContain('[test/pod] spec.containers[1].name: container name "ipc" is already used by spec.containers[0]');
    });
  });
});
