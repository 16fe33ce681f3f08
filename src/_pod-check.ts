// The cross-container rules over cdk8s-plus's own objects: a Pod, or any workload's pod template.
import * as kplus from 'cdk8s-plus-27';
import { ContainerCountRequirement, ContainerKey, PodChecker, Violation } from './_pod-rules';

/**
 * Runs every cross-container rule over a cdk8s-plus pod and returns all violations, in the
 * order of the spec cdk8s-plus would render. It reads cdk8s-plus's containers, ports, mounts and
 * volumes as they are now (nothing is remembered between calls, so a change made after a first
 * synth is seen by the next). Size limits are not read here (cdk8s-plus keeps them private):
 * patterns check the `Size` they are given with `sizeLimitViolation`.
 *
 * @param spec where the pod spec is in the kind's YAML (`spec`, `spec.template.spec`, ...)
 * @param isNativeSidecar whether an init container is rendered as a native sidecar
 */
export function checkPod(pod: kplus.AbstractPod, spec: string, requirement?: ContainerCountRequirement,
  isNativeSidecar: (c: kplus.Container) => boolean = () => false): Violation[] {
  const containers = pod.containers;
  const initContainers = pod.initContainers;
  const checker = new PodChecker(spec, containers.length, requirement, initContainers.filter(isNativeSidecar).length);
  checkVolumes(checker, [...containers, ...initContainers], pod.volumes);
  containers.forEach((c, i) => checkContainer(checker, c, 'containers', i, false));
  initContainers.forEach((c, i) => checkContainer(checker, c, 'initContainers', i, isNativeSidecar(c)));
  return checker.violations;
}

function checkContainer(checker: PodChecker, container: kplus.Container, key: ContainerKey, i: number, nativeSidecar: boolean): void {
  checker.container(key, i, container.name, container.image, nativeSidecar);
  checker.texts(container.command, container.args);
  // cdk8s-plus adds its probe for a truthy portNumber only (it drops 0).
  if (container.portNumber) checker.portNumberProbe(container.portNumber);
  const resources = container.resources;
  if (resources) {
    checker.resources({ request: resources.cpu?.request?.amount, limit: resources.cpu?.limit?.amount },
      { request: resources.memory?.request, limit: resources.memory?.limit },
      { request: resources.ephemeralStorage?.request, limit: resources.ephemeralStorage?.limit });
  }
  // Rendered in the order added; values from secrets and config maps have no value.
  Object.entries(container.env.variables).forEach(([name, env], j) => {
    checker.env(j, name, typeof env.value === 'string' ? env.value : undefined);
  });
  container.ports.forEach((p, j) => checker.port(j, p.number, p.protocol, p.name, p.hostPort));
  container.mounts.forEach((m, j) => checker.mount(j, m.volume.name, m.path, m.subPath));
}

/**
 * Feeds the volumes as cdk8s-plus renders them: the ones mounted (in container order), then the
 * added ones, each once. Two different volume objects with one name would both reach the
 * rendered spec (cdk8s-plus throws on it mid-synth, without a path): both are fed, so the rule
 * reports it with a path, before any output.
 */
function checkVolumes(checker: PodChecker, containers: kplus.Container[], added: kplus.Volume[]): void {
  const unique: kplus.Volume[] = [];
  const duplicates: kplus.Volume[] = [];
  const all = [...containers.flatMap(c => c.mounts.map(m => m.volume)), ...added];
  for (const volume of all) {
    const existing = unique.find(v => v.name === volume.name);
    if (!existing) unique.push(volume);
    else if (existing !== volume && !duplicates.includes(volume)) duplicates.push(volume);
  }
  [...unique, ...duplicates].forEach((v, i) => checker.volume(i, v.name));
}
