import { Chart, Testing } from 'cdk8s';

/** The synthesized Pod of a chart holding exactly one. */
export function synthPod(chart: Chart): any {
  const pods = Testing.synth(chart).filter(o => o.kind === 'Pod');
  expect(pods).toHaveLength(1);
  return pods[0];
}

/** The message of the validation error synth throws, or fails the test when it does not throw. */
export function synthError(chart: Chart): string {
  try {
    Testing.synth(chart);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected synth to fail, it succeeded');
}

/** A container of a rendered Pod spec, by name. */
export function container(pod: any, name: string): any {
  const found = [...pod.spec.containers, ...pod.spec.initContainers ?? []].find((c: any) => c.name === name);
  if (!found) throw new Error(`no container ${name} in ${pod.spec.containers.map((c: any) => c.name)}`);
  return found;
}
