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
  let nativeSidecars = 0;
  for (const c of initContainers) if (isNativeSidecar(c)) nativeSidecars++;
  const checker = new PodChecker(spec, containers.length, requirement, nativeSidecars);
  checkVolumes(checker, containers, initContainers, pod.volumes);
  for (let i = 0; i < containers.length; i++) checkContainer(checker, containers[i], 'containers', i, false);
  for (let i = 0; i < initContainers.length; i++) checkContainer(checker, initContainers[i], 'initContainers', i, isNativeSidecar(initContainers[i]));
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
  const variables = container.env.variables;
  let j = 0;
  for (const name in variables) {
    const value = variables[name].value;
    checker.env(j++, name, typeof value === 'string' ? value : undefined);
  }
  const ports = container.ports;
  for (j = 0; j < ports.length; j++) checker.port(j, ports[j].number, ports[j].protocol, ports[j].name, ports[j].hostPort);
  const mounts = container.mounts;
  for (j = 0; j < mounts.length; j++) checker.mount(j, mounts[j].volume.name, mounts[j].path, mounts[j].subPath);
}

/**
 * Feeds the volumes as cdk8s-plus renders them: the ones mounted (in container order), then the
 * added ones, each once. Two different volume objects with one name would both reach the
 * rendered spec (cdk8s-plus throws on it mid-synth, without a path): both are fed, so the rule
 * reports it with a path, before any output.
 */
function checkVolumes(checker: PodChecker, containers: kplus.Container[], initContainers: kplus.Container[], added: kplus.Volume[]): void {
  const byName = new Map<string, kplus.Volume>();
  const duplicates: kplus.Volume[] = [];
  const feed = (volume: kplus.Volume) => {
    const existing = byName.get(volume.name);
    if (!existing) byName.set(volume.name, volume);
    else if (existing !== volume && !duplicates.includes(volume)) duplicates.push(volume);
  };
  for (const c of containers) for (const m of c.mounts) feed(m.volume);
  for (const c of initContainers) for (const m of c.mounts) feed(m.volume);
  for (const volume of added) feed(volume);
  let i = 0;
  for (const volume of byName.values()) checker.volume(i++, volume.name);
  for (const volume of duplicates) checker.volume(i++, volume.name);
}
