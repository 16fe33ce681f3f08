// The shared-volume pattern, applied to any cdk8s-plus pod (Pod today, a workload's pod template later).
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addContainer } from './_containers';
import { dnsLabelProblem, missingVolume, show, sizeLimitViolation, violation, Violation } from './_pod-rules';
import { SharedVolume, SharedVolumeContainerProps } from './shared-volume-pod';

/** The default volume when a pattern declares none, named after the Kubernetes docs' example. */
export const DEFAULT_SHARED_VOLUME: SharedVolume = { name: 'shared-data' };

export interface AppliedSharedVolumes {
  readonly volumes: kplus.Volume[];
  /** Violations found while applying (a mount of an unknown volume), plus the ones only synth can tell. */
  readonly violations: () => Violation[];
}

/**
 * Adds the shared volumes and the containers with their mounts to `pod`.
 * Never throws on bad input: what is wrong is reported by `violations` at synth time.
 */
export function applySharedVolumes(
  scope: Construct,
  pod: kplus.AbstractPod,
  containers: SharedVolumeContainerProps[],
  declared: SharedVolume[] = [DEFAULT_SHARED_VOLUME],
): AppliedSharedVolumes {
  const found: Violation[] = [];
  const volumes: kplus.Volume[] = [];
  const declaredIndex = new Map<kplus.Volume, number>();
  // Names the shared mounts may use: a volume left out below is reported once, here, not again per mount.
  const reported = new Set<string>();
  declared.forEach((spec, i) => {
    const field = `volumes[${i}]`;
    const nameProblem = dnsLabelProblem(spec.name);
    if (nameProblem || volumes.some(v => v.name === spec.name)) {
      // cdk8s-plus would cut a long name, and throw on a repeated one while building.
      found.push(nameProblem
        ? violation('volume-name-dns-label', `${field}.name`, `volume name ${show(spec.name)} ${nameProblem}`, 'name the volume with a DNS-1123 label such as "shared-data"')
        : violation('volume-name-unique', `${field}.name`, `volume name ${show(spec.name)} is declared twice`, 'give each shared volume its own name'));
      reported.add(spec.name);
      return;
    }
    const sizeProblem = spec.sizeLimit && sizeLimitViolation(`${field}.sizeLimit (volume ${show(spec.name)})`, spec.sizeLimit);
    if (sizeProblem) found.push(sizeProblem);
    // An unusable size limit is left out so the rest still renders; the violation fails synth.
    const volume = kplus.Volume.fromEmptyDir(scope, `Volume${i}`, spec.name, {
      medium: spec.medium,
      sizeLimit: sizeProblem ? undefined : spec.sizeLimit,
    });
    pod.addVolume(volume);
    volumes.push(volume);
    declaredIndex.set(volume, i);
  });
  const byName = new Map(volumes.map(v => [v.name, v]));

  containers.forEach((props, i) => {
    // The props go to cdk8s-plus as given (it ignores `sharedMounts`): copies only cost.
    const sharedMounts = props.sharedMounts;
    const added = addContainer(pod, props.name !== undefined ? props : { ...props, name: `container-${i}` }, `containers[${i}]`);
    found.push(...added.violations);
    const container = added.container;
    (sharedMounts ?? []).forEach((mount, j) => {
      const field = `containers[${i}].sharedMounts[${j}]`;
      const name = mount.volume ?? (declared.length === 1 ? declared[0].name : undefined);
      const volume = name === undefined ? undefined : byName.get(name);
      if (!volume && name !== undefined && reported.has(name)) return;
      if (!volume) {
        found.push(name === undefined && volumes.length > 1
          ? violation('mount-volume-exists', `${field}.volume`,
            `container ${show(container.name)} does not say which of the shared volumes ${declared.map(v => show(v.name)).join(', ')} to mount`,
            'set `volume` to one of their names')
          : missingVolume(`${field}.volume`, container.name, name, [...byName.keys()]));
        return;
      }
      container.mount(mount.path, volume, { readOnly: mount.readOnly, subPath: mount.subPath });
    });
  });

  return {
    volumes,
    violations: () => [...found, ...unsharedVolumes(pod, declaredIndex)],
  };
}

/** A shared volume that fewer than two containers mount shares nothing: almost always a forgotten mount. */
function unsharedVolumes(pod: kplus.AbstractPod, declaredIndex: ReadonlyMap<kplus.Volume, number>): Violation[] {
  // Containers, not mounts (nor names): one container mounting a volume twice shares it with nobody.
  const users = new Map<kplus.Volume, Set<kplus.Container>>([...declaredIndex.keys()].map(v => [v, new Set()]));
  for (const container of [...pod.initContainers, ...pod.containers]) {
    for (const mount of container.mounts) users.get(mount.volume)?.add(container);
  }
  return [...declaredIndex].flatMap(([volume, i]) => {
    const containers = [...users.get(volume)!];
    return containers.length >= 2 ? [] : [violation('shared-volume-shared', `volumes[${i}] (volume ${show(volume.name)})`,
      `a shared volume must be mounted by at least 2 containers, ${containers.length ? `only ${show(containers[0].name)} mounts it` : 'none mounts it'}`,
      'add a `sharedMounts` entry for it to each container that reads or writes it, or remove the volume')];
  });
}
