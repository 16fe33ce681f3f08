import * as fc from 'fast-check';
import { sharedVolumePodModel } from './arbitraries';
import { checkConfiguration, Counters, newCounters, NUM_RUNS, parameters } from './harness';
import { stopSchemaWorker } from './k8s-schema';
import { buildSharedVolumePod, SharedVolumePodModel } from './model';
import { DEFAULT_SHARED_VOLUME_NAME, expectSharedVolumePod, mebibytesOf } from './oracle';
import { report } from './report';

afterAll(stopSchemaWorker);

/** What a valid SharedVolumePod must look like, beyond the API's invariants. */
function functional(pod: any, m: SharedVolumePodModel): string[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const failures: string[] = [];
  const predicted = expectSharedVolumePod(m).mounts;
  m.containers.forEach((c, i) => {
    const rendered = pod.spec.containers[i];
    const name = c.name ?? `container-${i}`;
    if (rendered?.name !== name) failures.push(`spec.containers[${i}] should be ${JSON.stringify(name)}, is ${JSON.stringify(rendered?.name)}`);
    const want = predicted[i].map(x => ({ name: x.volume, mountPath: x.path, readOnly: x.readOnly || undefined, subPath: x.subPath }));
    const got = (rendered?.volumeMounts ?? []).map((x: any) => ( // eslint-disable-line @typescript-eslint/no-explicit-any
      { name: x.name, mountPath: x.mountPath, readOnly: x.readOnly || undefined, subPath: x.subPath }));
    if (JSON.stringify(got) !== JSON.stringify(want)) failures.push(`spec.containers[${i}].volumeMounts should be ${JSON.stringify(want)}, is ${JSON.stringify(got)}`);
  });
  for (const v of m.volumes ?? [{ name: DEFAULT_SHARED_VOLUME_NAME }]) {
    const rendered = (pod.spec.volumes ?? []).find((x: any) => x.name === v.name); // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!rendered?.emptyDir) {
      failures.push(`the shared volume ${JSON.stringify(v.name)} is not rendered as an emptyDir`);
      continue;
    }
    if ((rendered.emptyDir.medium === 'Memory') !== ('medium' in v && v.medium === 'Memory')) failures.push(`volume ${v.name}: medium ${rendered.emptyDir.medium}`);
    const want = v.sizeLimit && `${mebibytesOf(v.sizeLimit)}Mi`;
    if (rendered.emptyDir.sizeLimit !== want) failures.push(`volume ${v.name}: sizeLimit should be ${want}, is ${rendered.emptyDir.sizeLimit}`);
  }
  if (pod.spec.restartPolicy !== 'Always') failures.push(`restartPolicy should default to Always, is ${pod.spec.restartPolicy}`);
  return failures;
}

describe('SharedVolumePod, generated configurations', () => {
  const counters: Counters = newCounters();
  afterAll(() => report('SharedVolumePod', counters));

  test(`each of ${NUM_RUNS} configurations fails validation as predicted, or is a valid Pod`, () => {
    const property = fc.property(sharedVolumePodModel, m => checkConfiguration(m, expectSharedVolumePod, buildSharedVolumePod, counters, functional));
    fc.assert(property, parameters());
    // The generators must reach both outcomes, or the property proves little.
    expect(counters.valid).toBeGreaterThan(NUM_RUNS / 10);
    expect(counters.invalid).toBeGreaterThan(NUM_RUNS / 10);
  });
});
