import * as fc from 'fast-check';
import { localhostSidecarPodModel } from './arbitraries';
import { checkConfiguration, Counters, newCounters, NUM_RUNS, parameters } from './harness';
import { stopSchemaWorker } from './k8s-schema';
import { buildLocalhostSidecarPod, LocalhostSidecarPodModel } from './model';
import { expectLocalhostSidecarPod } from './oracle';
import { report } from './report';

afterAll(stopSchemaWorker);

/** What a valid LocalhostSidecarPod must look like, beyond the API's invariants. */
function functional(pod: any, m: LocalhostSidecarPodModel): string[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  const failures: string[] = [];
  const { port } = expectLocalhostSidecarPod(m);
  const [main, ...rest] = pod.spec.containers;
  if (main.name !== (m.main.name ?? 'main')) failures.push(`the main container must come first, spec.containers[0] is ${main.name}`);
  if (main.ports?.[0]?.containerPort !== port) failures.push(`the main container's first port should be ${port}, is ${JSON.stringify(main.ports)}`);
  m.sidecars.forEach((s, i) => {
    const c = rest[i];
    if (c?.name !== (s.name ?? `sidecar-${i}`)) failures.push(`spec.containers[${i + 1}] should be the sidecar ${s.name ?? `sidecar-${i}`}, is ${c?.name}`);
    const env = Object.fromEntries((c?.env ?? []).map((e: any) => [e.name, e.value])); // eslint-disable-line @typescript-eslint/no-explicit-any
    // The main container's address, unless turned off; the sidecar's own variables win.
    const want: Record<string, string> = m.exposeMainAddress === false ? {} : { MAIN_HOST: 'localhost', MAIN_PORT: String(port), MAIN_URL: `http://localhost:${port}` };
    Object.assign(want, s.env ?? {});
    for (const [k, v] of Object.entries(want)) if (env[k] !== v) failures.push(`sidecar ${c?.name}: ${k} should be ${v}, is ${env[k]}`);
    for (const k of ['MAIN_HOST', 'MAIN_PORT', 'MAIN_URL']) if (!(k in want) && k in env) failures.push(`sidecar ${c?.name}: ${k} is set though exposeMainAddress is false`);
  });
  if (pod.spec.restartPolicy !== 'Always') failures.push(`restartPolicy should default to Always, is ${pod.spec.restartPolicy}`);
  return failures;
}

describe('LocalhostSidecarPod, generated configurations', () => {
  const counters: Counters = newCounters();
  afterAll(() => report('LocalhostSidecarPod', counters));

  test(`each of ${NUM_RUNS} configurations fails validation as predicted, or is a valid Pod`, () => {
    const property = fc.property(localhostSidecarPodModel, m =>
      checkConfiguration(m, expectLocalhostSidecarPod, buildLocalhostSidecarPod, counters, functional));
    fc.assert(property, parameters());
    expect(counters.valid).toBeGreaterThan(NUM_RUNS / 10);
    expect(counters.invalid).toBeGreaterThan(NUM_RUNS / 10);
  });
});
