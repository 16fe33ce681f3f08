// The shared-volume pattern, applied to any cdk8s-plus pod (Pod today, a workload's pod template later).
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addContainer, mountsVolume, withOverrides } from './_containers';
import { dnsLabelProblem, missingVolume, NO_VIOLATIONS, show, sizeLimitViolation, violation, Violation } from './_pod-rules';
import { SharedMount, SharedVolume, SharedVolumeContainerProps } from './shared-volume-pod';

/** The default volume when a pattern declares none, named after the Kubernetes docs' example. */
export const DEFAULT_SHARED_VOLUME: SharedVolume = { name: 'shared-data' };

export interface AppliedSharedVolumes {
  /** The shared volumes added, in the order declared. */
  readonly volumes: kplus.Volume[];
  /**
   * Where each of `volumes` was declared (`volumes[i]` of the props), when that is not simply
   * its own index (a declared volume was left out); for `unsharedVolumes`.
   */
  readonly declaredAt?: number[];
  /** Violations found while applying (e.g. a mount of an unknown volume); `unsharedVolumes` adds what only synth can tell. */
  readonly violations: ReadonlyArray<Violation>;
}

/**
 * Adds the shared volumes and the containers with their mounts to `pod`.
 * Never throws on bad input: what is wrong is returned, to be reported at synth time.
 * Returns only data (no closures over the props): the Pod keeps it until synth.
 */
export function applySharedVolumes(
  scope: Construct,
  pod: kplus.AbstractPod,
  containers: SharedVolumeContainerProps[],
  declared: SharedVolume[] = [DEFAULT_SHARED_VOLUME],
): AppliedSharedVolumes {
  const found: Violation[] = [];
  const volumes: kplus.Volume[] = [];
  const declaredAt: number[] = [];
  // Names the shared mounts may use: a volume left out below is reported once, here, not again per mount.
  let reported: string[] | undefined;
  // Plain loops and arrays (a Pod shares a handful of volumes): this runs for every Pod built.
  for (let i = 0; i < declared.length; i++) {
    const spec = declared[i];
    const nameProblem = dnsLabelProblem(spec.name);
    if (nameProblem || volumes.some(v => v.name === spec.name)) {
      // cdk8s-plus would cut a long name, and throw on a repeated one while building.
      found.push(nameProblem
        ? violation('volume-name-dns-label', `volumes[${i}].name`, `volume name ${show(spec.name)} ${nameProblem}`, 'name the volume with a DNS-1123 label such as "shared-data"')
        : violation('volume-name-unique', `volumes[${i}].name`, `volume name ${show(spec.name)} is declared twice`, 'give each shared volume its own name'));
      (reported ??= []).push(spec.name);
      continue;
    }
    const sizeProblem = spec.sizeLimit && sizeLimitViolation(`volumes[${i}].sizeLimit (volume ${show(spec.name)})`, spec.sizeLimit);
    if (sizeProblem) found.push(sizeProblem);
    // An unusable size limit is left out so the rest still renders; the violation fails synth.
    const volume = kplus.Volume.fromEmptyDir(scope, `Volume${i}`, spec.name, {
      medium: spec.medium,
      sizeLimit: sizeProblem ? undefined : spec.sizeLimit,
    });
    pod.addVolume(volume);
    volumes.push(volume);
    declaredAt.push(i);
  }

  for (let i = 0; i < containers.length; i++) {
    const props = containers[i];
    // The props go to cdk8s-plus as given (it ignores `sharedMounts`): copies only cost.
    const container = addContainer(pod, props.name !== undefined ? props : withOverrides(props, { name: `container-${i}` }), found, 'containers', i);
    const sharedMounts = props.sharedMounts ?? [];
    for (let j = 0; j < sharedMounts.length; j++) {
      const mount = sharedMounts[j];
      const name = mount.volume ?? (declared.length === 1 ? declared[0].name : undefined);
      const volume = name === undefined ? undefined : volumes.find(v => v.name === name);
      if (!volume && name !== undefined && reported?.includes(name)) continue;
      if (!volume) {
        const field = `containers[${i}].sharedMounts[${j}].volume`;
        found.push(name === undefined && volumes.length > 1
          ? violation('mount-volume-exists', field,
            `container ${show(container.name)} does not say which of the shared volumes ${declared.map(v => show(v.name)).join(', ')} to mount`,
            'set `volume` to one of their names')
          : missingVolume(field, container.name, name, volumes.map(v => v.name)));
        continue;
      }
      container.mount(mount.path, volume, mountOptions(mount));
    }
  }

  return {
    // A copy sized to fit: an array grown by push keeps room for 17, for the Pod's lifetime.
    volumes: volumes.slice(),
    declaredAt: declaredAt.length === declared.length ? undefined : declaredAt,
    violations: found.length ? found : NO_VIOLATIONS,
  };
}

/**
 * A shared volume that fewer than two containers mount shares nothing: almost always a forgotten mount.
 * Read at synth time, so that containers and mounts added after construction count.
 */
export function unsharedVolumes(pod: kplus.AbstractPod, volumes: ReadonlyArray<kplus.Volume>,
  declaredAt?: ReadonlyArray<number>): ReadonlyArray<Violation> {
  if (!volumes.length) return NO_VIOLATIONS;
  // Containers, not mounts (nor names): one container mounting a volume twice shares it with nobody.
  // Plain loops, no closures: this runs for every Pod on every synth.
  const initContainers = pod.initContainers;
  const containers = pod.containers;
  let found: Violation[] | undefined;
  for (let k = 0; k < volumes.length; k++) {
    const volume = volumes[k];
    let users = 0;
    let firstUser: kplus.Container | undefined;
    for (let i = 0, n = initContainers.length + containers.length; i < n && users < 2; i++) {
      const container = i < initContainers.length ? initContainers[i] : containers[i - initContainers.length];
      if (mountsVolume(container, volume)) {
        users++;
        firstUser ??= container;
      }
    }
    if (users >= 2) continue;
    (found ??= []).push(violation('shared-volume-shared', `volumes[${declaredAt?.[k] ?? k}] (volume ${show(volume.name)})`,
      `a shared volume must be mounted by at least 2 containers, ${firstUser ? `only ${show(firstUser.name)} mounts it` : 'none mounts it'}`,
      'add a `sharedMounts` entry for it to each container that reads or writes it, or remove the volume'));
  }
  return found ?? NO_VIOLATIONS;
}

/**
 * Mount options with only the keys that are set. cdk8s-plus spreads them into the mount it keeps
 * per container, and keys set to undefined would double the size of every mount.
 */
function mountOptions(mount: SharedMount): kplus.MountOptions | undefined {
  if (mount.readOnly === undefined) return mount.subPath === undefined ? undefined : { subPath: mount.subPath };
  return mount.subPath === undefined ? { readOnly: mount.readOnly } : { readOnly: mount.readOnly, subPath: mount.subPath };
}
