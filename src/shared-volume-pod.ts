import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ContainerCountRequirement, Violation } from './_pod-rules';
import { applySharedVolumes, unsharedVolumes } from './_shared-volumes';
import { MultiContainerPod, MultiContainerPodOptions } from './multi-container-pod';

/**
 * An `emptyDir` volume the containers of a Pod share.
 *
 * It lives as long as the Pod stays on its node and survives container restarts.
 * @see https://kubernetes.io/docs/concepts/storage/volumes/#emptydir
 */
export interface SharedVolume {
  /**
   * The volume's name in the Pod (a DNS-1123 label), used by `SharedMount.volume`.
   */
  readonly name: string;

  /**
   * Where the volume is stored. `EmptyDirMedium.MEMORY` mounts a tmpfs: fast, counts against the
   * containers' memory limits, and is sized from node memory unless `sizeLimit` is set.
   * @default EmptyDirMedium.DEFAULT - the node's disk
   */
  readonly medium?: kplus.EmptyDirMedium;

  /**
   * The most the volume may hold; the kubelet evicts the Pod beyond it. A whole number of mebibytes.
   * @default - no limit (bounded by the node's disk, or its memory for `EmptyDirMedium.MEMORY`)
   */
  readonly sizeLimit?: Size;
}

/**
 * Where a container mounts a shared volume.
 */
export interface SharedMount {
  /**
   * The absolute path in the container, e.g. `/usr/share/nginx/html`.
   */
  readonly path: string;

  /**
   * The name of the shared volume to mount.
   * @default - the Pod's only shared volume (required when the Pod declares several)
   */
  readonly volume?: string;

  /**
   * Mount read-only, for containers that only read what others write.
   * @default false
   */
  readonly readOnly?: boolean;

  /**
   * A path inside the volume to mount instead of its root.
   * @default - the volume's root
   */
  readonly subPath?: string;
}

/**
 * A container of a `SharedVolumePod`: cdk8s-plus container props plus its shared mounts.
 */
export interface SharedVolumeContainerProps extends kplus.ContainerProps {
  /**
   * The shared volumes this container mounts, and where.
   * @default - none: the container does not take part in the file exchange
   */
  readonly sharedMounts?: SharedMount[];
}

/**
 * Props of `SharedVolumePod`.
 */
export interface SharedVolumePodProps extends MultiContainerPodOptions {
  /**
   * The containers, in start order. At least two, each with its own name.
   */
  readonly containers: SharedVolumeContainerProps[];

  /**
   * The volumes the containers share.
   * @default - one disk-backed volume named `shared-data`
   */
  readonly volumes?: SharedVolume[];

  /**
   * The Pod's restart policy.
   * @default RestartPolicy.ALWAYS
   */
  readonly restartPolicy?: kplus.RestartPolicy;
}

/**
 * A Pod whose containers exchange files through shared `emptyDir` volumes: one writes
 * (a content generator, a log producer), others read or serve what it writes.
 *
 * Each container mounts a shared volume at its own path, read-write or read-only.
 * Unnamed containers are named `container-0`, `container-1`, ... in order.
 */
export class SharedVolumePod extends MultiContainerPod {
  /** The shared volumes, in the order declared. */
  public readonly sharedVolumes: kplus.Volume[];

  private readonly buildViolations: ReadonlyArray<Violation>;
  private readonly declaredAt?: number[];

  constructor(scope: Construct, id: string, props: SharedVolumePodProps) {
    super(scope, id, props, props.restartPolicy ?? kplus.RestartPolicy.ALWAYS);
    const applied = applySharedVolumes(this, this, props.containers, props.volumes);
    this.sharedVolumes = applied.volumes;
    this.declaredAt = applied.declaredAt;
    this.buildViolations = applied.violations;
    this._validateAtSynth(REQUIREMENT);
  }

  /**
   * The shared volume with this name.
   * @param name the volume's name
   * @returns the volume, or undefined when there is no shared volume of that name
   */
  public findVolume(name: string): kplus.Volume | undefined {
    return this.sharedVolumes.find(v => v.name === name);
  }

  /** @internal */
  protected _patternViolations(): ReadonlyArray<Violation> {
    const unshared = unsharedVolumes(this, this.sharedVolumes, this.declaredAt);
    return this.buildViolations.length ? [...this.buildViolations, ...unshared] : unshared;
  }
}

const REQUIREMENT: ContainerCountRequirement = {
  min: 2,
  why: 'a SharedVolumePod',
  fix: 'add the containers that share the volume (a writer and a reader at least)',
};
