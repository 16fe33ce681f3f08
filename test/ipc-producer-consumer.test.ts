// IpcProducerConsumer on every workload kind; consumers that join later are held back the same way.
import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IpcProducerConsumer, IpcProducerConsumerPod, IpcReadiness } from '../src';
import { synthError } from './_helpers';
import { KINDS, podSpec, synthKind } from './_workloads';

const producer = { image: 'allingeek/ch6_ipc', command: ['./ipc', '-producer'] };
const consumer = { image: 'allingeek/ch6_ipc', command: ['./ipc', '-consumer'] };
const queue = IpcReadiness.posixMessageQueue('/ch6_ipc');

describe.each(KINDS.map(k => [k.kind, k] as const))('IpcProducerConsumer on a %s', (kind, k) => {
  test('adds the producer first and the consumer behind the readiness wait', () => {
    const chart = Testing.chart();
    const workload = k.build(chart);
    const ipc = new IpcProducerConsumer(chart, 'ipc', { workload, producer, consumer, readiness: queue });
    const obj = synthKind(chart, kind);
    expect(obj).toMatchSnapshot();
    const spec = podSpec(obj);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['producer', 'consumer']);
    expect(spec.containers[1].command).toEqual(queue.waitCommand(['./ipc', '-consumer']));
    expect(spec.containers[0].command).toEqual(['./ipc', '-producer']);
    expect(ipc.producer.name).toBe('producer');
    expect(ipc.workload).toBe(workload);
  });
});

describe('IpcProducerConsumer', () => {
  test('a consumer added later with addConsumer waits too, and mounts /dev/shm', () => {
    const chart = Testing.chart();
    const job = new kplus.Job(chart, 'web');
    const ipc = new IpcProducerConsumer(chart, 'ipc', { workload: job, producer, consumer, readiness: queue, shmSize: Size.mebibytes(64) });
    ipc.addConsumer({ image: 'allingeek/ch6_ipc', command: ['./ipc', '-consumer'] });
    const spec = podSpec(synthKind(chart, 'Job'));
    expect(spec.containers.map((c: any) => c.name)).toEqual(['producer', 'consumer', 'consumer-1']);
    expect(spec.containers[2].command).toEqual(queue.waitCommand(['./ipc', '-consumer']));
    expect(spec.containers[2].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
  });

  test('IpcProducerConsumerPod.addConsumer: a consumer without a command is reported at its own field', () => {
    const chart = Testing.chart();
    const pod = new IpcProducerConsumerPod(chart, 'pod', { producer, consumer, readiness: queue });
    pod.addConsumer({ name: 'second', image: 'allingeek/ch6_ipc' });
    expect(synthError(chart)).toContain('[test/pod] addConsumer("second").command: the consumer must wait for POSIX message queue /ch6_ipc, but its command is not set');
  });

  test('a container added to the workload by other code must mount /dev/shm too', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web');
    new IpcProducerConsumer(chart, 'ipc', { workload: web, producer, consumer, readiness: queue, shmSize: Size.mebibytes(64) });
    web.addContainer({ name: 'metrics', image: 'busybox:1.36' });
    expect(synthError(chart)).toContain('[test/ipc] spec.template.spec.containers[2].volumeMounts: container "metrics" does not mount the shared memory volume "dshm" at /dev/shm');
  });
});
