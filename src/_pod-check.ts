// The cross-container rules over cdk8s-plus's own objects (a Pod, or any workload's pod
// template), and the memo that tells whether a pod changed since it was last checked.
import * as kplus from 'cdk8s-plus-27';
import { ContainerCountRequirement, ContainerKey, PodChecker, Violation } from './_pod-rules';

/**
 * Runs every cross-container rule over a cdk8s-plus pod and returns all violations, in the
 * order of the spec cdk8s-plus would render. It walks cdk8s-plus's containers, ports, mounts and
 * volumes and feeds them to the rules as they are read. Size limits are not read here
 * (cdk8s-plus keeps them private): patterns check the `Size` they are given with `sizeLimitViolation`.
 */
export function checkPod(pod: kplus.AbstractPod, requirement?: ContainerCountRequirement): Violation[] {
  const containers = pod.containers;
  const initContainers = pod.initContainers;
  const checker = new PodChecker(containers.length, requirement);
  // One loop over app then init containers, with one call site per helper: V8 compiles what it
  // inlines once per call site, and this code is compiled in every fresh process.
  const count = containers.length + initContainers.length;
  // Volumes as cdk8s-plus renders them: the ones mounted (in container order), then the added ones.
  const volumes = new Volumes();
  for (let i = 0; i < count; i++) {
    // `mounts` is cdk8s-plus's own array, not a copy.
    const mounts = (i < containers.length ? containers[i] : initContainers[i - containers.length]).mounts;
    for (let j = 0; j < mounts.length; j++) volumes.add(mounts[j].volume);
  }
  const added = pod.volumes;
  for (let i = 0; i < added.length; i++) volumes.add(added[i]);
  volumes.check(checker);
  for (let i = 0; i < count; i++) {
    const app = i < containers.length;
    checkContainer(checker, app ? containers[i] : initContainers[i - containers.length], app ? 'containers' : 'initContainers', app ? i : i - containers.length);
  }
  return checker.violations;
}

function checkContainer(checker: PodChecker, container: kplus.Container, key: ContainerKey, i: number): void {
  checker.container(key, i, container.name, container.image);
  // Each copying getter of cdk8s-plus is read once.
  checker.texts(container.command, container.args);
  // Rendered in the order added; values from secrets and config maps have no value.
  const variables = container.env.variables;
  const names = Object.keys(variables);
  for (let j = 0; j < names.length; j++) {
    const value = variables[names[j]].value;
    checker.env(j, names[j], typeof value === 'string' ? value : undefined);
  }
  const ports = container.ports;
  for (let j = 0; j < ports.length; j++) checker.port(j, ports[j].number, ports[j].protocol, ports[j].name, ports[j].hostPort);
  const mounts = container.mounts;
  for (let j = 0; j < mounts.length; j++) checker.mount(j, mounts[j].volume.name, mounts[j].path, mounts[j].subPath);
}

/** The volumes of a pod by name, as cdk8s-plus collects them. */
class Volumes {
  // Arrays, not a Map: a pod has a handful of volumes, and this runs for every Pod on every synth.
  private readonly unique: kplus.Volume[] = [];
  private duplicates?: kplus.Volume[];

  public add(volume: kplus.Volume): void {
    let existing: kplus.Volume | undefined;
    for (let i = 0; i < this.unique.length && !existing; i++) {
      if (this.unique[i].name === volume.name) existing = this.unique[i];
    }
    if (!existing) {
      this.unique.push(volume);
    } else if (existing !== volume) {
      this.duplicates ??= [];
      if (!this.duplicates.includes(volume)) this.duplicates.push(volume);
    }
  }

  /**
   * Feeds the volumes to the rules. Two different volume objects with one name would both reach
   * the rendered spec (cdk8s-plus throws on it mid-synth): both are fed, so the rule reports it
   * with a path, before any output.
   */
  public check(checker: PodChecker): void {
    const unique = this.unique;
    for (let i = 0; i < unique.length; i++) checker.volume(i, unique[i].name);
    const duplicates = this.duplicates;
    if (!duplicates) return;
    for (let i = 0; i < duplicates.length; i++) checker.volume(unique.length + i, duplicates[i].name);
  }
}

/**
 * What a check read of a pod, for telling the next validation pass whether the pod changed: its
 * shape (the number of containers, init containers, volumes, mounts and ports; cdk8s-plus only
 * ever adds these, it has no way to remove one) and its environment variable values (a variable
 * can be set again, to a new value, without changing any count). Names, images, commands and
 * args cannot change once a container is made.
 */
export class PodReading {
  private shape = -1;
  /** The EnvValue objects (immutable), container by container, in the order rendered. */
  private env: kplus.EnvValue[] = NO_ENV;

  /**
   * Reads `pod` and keeps what it read: whether the pod changed since the last call (always, on
   * the first). Every comparison runs on every call, changed or not: the validation passes after
   * the first then run code V8 has already seen, instead of deoptimizing what it compiled.
   */
  public update(pod: kplus.AbstractPod): boolean {
    const containers = pod.containers;
    const initContainers = pod.initContainers;
    const kept = this.env;
    let shape = containers.length + initContainers.length + pod.volumes.length;
    let env: kplus.EnvValue[] | undefined; // made at the first value that differs
    let k = 0;
    for (let i = 0, n = containers.length + initContainers.length; i < n; i++) {
      const c = i < containers.length ? containers[i] : initContainers[i - containers.length];
      shape += c.mounts.length + c.ports.length;
      // Object.values, not for-in: V8 compiles for-in into far more code, and this runs on every synth.
      const values = Object.values(c.env.variables);
      for (let j = 0; j < values.length; j++, k++) {
        if (env === undefined && values[j] !== kept[k]) env = kept.slice(0, k);
        if (env !== undefined) env.push(values[j]);
      }
    }
    const sameShape = shape === this.shape;
    const sameCount = k === kept.length;
    if (env === undefined && sameShape && sameCount) return false;
    this.shape = shape;
    // A copy sized to fit (an array grown by push keeps room for 17), kept until the next synth.
    this.env = env?.slice() ?? (sameCount ? kept : kept.slice(0, k));
    return true;
  }
}

// The empty list has held an object once: V8 then gives it the same elements kind as every list
// of EnvValues, so reads of `kept` see one kind of array, in the first pass and in the later ones.
const NO_ENV: kplus.EnvValue[] = [kplus.EnvValue.fromValue('')];
NO_ENV.pop();
