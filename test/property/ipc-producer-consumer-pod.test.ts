import * as fc from 'fast-check';
import { ipcProducerConsumerPodModel } from './arbitraries';
import { checkConfiguration, Counters, newCounters, NUM_RUNS, parameters } from './harness';
import { stopSchemaWorker } from './k8s-schema';
import { buildIpcProducerConsumerPod, IpcProducerConsumerPodModel, USER_POST_START } from './model';
import { expectIpcProducerConsumerPod, mebibytesOf, SHM_PATH, SHM_VOLUME } from './oracle';
import { report } from './report';

afterAll(stopSchemaWorker);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What a valid IpcProducerConsumerPod must look like, beyond the API's invariants. */
function functional(pod: any, m: IpcProducerConsumerPodModel): string[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const failures: string[] = [];
  const { consumerWaits, producerHook } = expectIpcProducerConsumerPod(m);
  const [producer, consumer] = pod.spec.containers;
  if (producer.name !== (m.producer.name ?? 'producer')) failures.push(`the producer must come first, spec.containers[0] is ${producer.name}`);
  if (consumer.name !== (m.consumer.name ?? 'consumer')) failures.push(`the consumer must come second, spec.containers[1] is ${consumer.name}`);

  // The consumer's own command and args must reach exec "$@" verbatim, after the wait script.
  const original = [...m.consumer.command ?? [], ...m.consumer.args ?? []];
  if (consumerWaits) {
    // /bin/sh -c <fixed script> wait-for-producer <condition> <tries> <seconds> <give-up message> <command...>
    const [sh, c, script, name, condition, , , , ...rest] = consumer.command ?? [];
    if (sh !== '/bin/sh' || c !== '-c' || typeof script !== 'string' || !script.includes('until /bin/sh -c "$condition"') || name !== 'wait-for-producer'
      || typeof condition !== 'string' || !same(rest, original) || consumer.args !== undefined) {
      failures.push(`the consumer should wait, then exec ${JSON.stringify(original)}; its command is ${JSON.stringify(consumer.command)}, args ${JSON.stringify(consumer.args)}`);
    }
  } else if (!same(consumer.command, m.consumer.command) || !same(consumer.args, m.consumer.args)) {
    failures.push(`the consumer's command should be left alone, it is ${JSON.stringify(consumer.command)} ${JSON.stringify(consumer.args)}`);
  }

  const hook = producer.lifecycle?.postStart?.exec?.command;
  if (producerHook) {
    if (!hook || hook[0] !== '/bin/sh' || hook[1] !== '-c' || !String(hook[2]).includes('until ')) failures.push(`the producer should get a waiting postStart hook, has ${JSON.stringify(hook)}`);
  } else if (!same(hook, m.producer.postStart ? USER_POST_START : undefined)) {
    failures.push(`the producer's postStart should be left alone, it is ${JSON.stringify(hook)}`);
  }

  if (m.shmSize) {
    const shm = (pod.spec.volumes ?? []).find((v: any) => v.name === SHM_VOLUME); // eslint-disable-line @typescript-eslint/no-explicit-any
    if (shm?.emptyDir?.medium !== 'Memory' || shm.emptyDir.sizeLimit !== `${mebibytesOf(m.shmSize)}Mi`) failures.push(`/dev/shm should be a Memory emptyDir of ${mebibytesOf(m.shmSize)}Mi: ${JSON.stringify(shm)}`);
    for (const key of ['containers', 'initContainers']) {
      for (const c of pod.spec[key] ?? []) {
        if (!(c.volumeMounts ?? []).some((x: any) => x.name === SHM_VOLUME && x.mountPath === SHM_PATH)) failures.push(`${c.name} does not mount ${SHM_VOLUME} at ${SHM_PATH}`); // eslint-disable-line @typescript-eslint/no-explicit-any
      }
    }
  } else if ((pod.spec.volumes ?? []).some((v: any) => v.name === SHM_VOLUME && v.emptyDir?.medium === 'Memory')) { // eslint-disable-line @typescript-eslint/no-explicit-any
    failures.push('no shmSize, yet a memory-backed /dev/shm volume');
  }
  if (pod.spec.restartPolicy !== 'Never') failures.push(`restartPolicy should default to Never, is ${pod.spec.restartPolicy}`);
  return failures;
}

describe('IpcProducerConsumerPod, generated configurations', () => {
  const counters: Counters = newCounters();
  afterAll(() => report('IpcProducerConsumerPod', counters));

  test(`each of ${NUM_RUNS} configurations fails validation as predicted, or is a valid Pod`, () => {
    const property = fc.property(ipcProducerConsumerPodModel, m =>
      checkConfiguration(m, expectIpcProducerConsumerPod, buildIpcProducerConsumerPod, counters, functional));
    fc.assert(property, parameters());
    expect(counters.valid).toBeGreaterThan(NUM_RUNS / 10);
    expect(counters.invalid).toBeGreaterThan(NUM_RUNS / 10);
  });
});
