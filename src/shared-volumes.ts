// The shared-volume pattern: containers exchange files through shared emptyDir volumes. One
// implementation, applied to any workload (`SharedVolumes`) or built as a Pod (`SharedVolumePod`).
import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addPatternContainer, mountsVolume, withOverrides } from './_containers';
import { PatternChecks, PropsCheck, WORKLOAD } from './_pattern';
import { ContainerCountRequirement, dnsLabelProblem, missingVolume, requiredProp, show, sizeLimitViolation, violation, Violation } from './_pod-rules';
import { WorkloadChecks } from './_workload';
import { MultiContainerPod, MultiContainerPodOptions } from './multi-container-pod';
import { PatternContainerProps } from './pattern-container';

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
   * @default - the only shared volume (required when several are declared)
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
 * A container that takes part in a shared-volume exchange: pattern container props plus its
 * shared mounts.
 */
export interface SharedVolumeContainerProps extends PatternContainerProps {
  /**
   * The shared volumes this container mounts, and where.
   * @default - none: the container does not take part in the file exchange
   */
  readonly sharedMounts?: SharedMount[];
}

/**
 * Props of `SharedVolumes`.
 */
export interface SharedVolumesProps {
  /**
   * The workload whose Pods share the volumes: a `kplus.Pod`, `Deployment`, `StatefulSet`,
   * `DaemonSet`, `Job` or `CronJob`. The volumes and containers are added to its pod template.
   */
  readonly workload: kplus.AbstractPod;

  /**
   * The volumes the containers share.
   * @default - one disk-backed volume named `shared-data`
   */
  readonly volumes?: SharedVolume[];

  /**
   * Containers to add to the workload, with their shared mounts. Containers the workload already
   * has (or gets later) join with `addMounts`; more join with `addContainer`.
   * @default - none
   */
  readonly containers?: SharedVolumeContainerProps[];
}

/**
 * Containers of a workload that exchange files through shared `emptyDir` volumes: one writes
 * (a content puller, a log producer), others read or serve what it writes.
 *
 * Applies to any cdk8s-plus workload; several patterns can be applied to one workload, and all
 * its containers are checked together at synth. Every shared volume must be mounted by at least
 * two containers of the workload by then.
 *
 * @example
 * const web = new kplus.Deployment(chart, 'web', { replicas: 2 });
 * new SharedVolumes(chart, 'content', {
 *   workload: web,
 *   volumes: [{ name: 'html' }],
 *   containers: [
 *     { name: 'nginx', image: 'nginx:1.27', sharedMounts: [{ path: '/usr/share/nginx/html', readOnly: true }] },
 *     { name: 'writer', image: 'debian:bookworm-slim', command: ['sh', '-c', 'while true; do date >> /html/index.html; sleep 1; done'],
 *       securityContext: { user: 1000 }, sharedMounts: [{ path: '/html' }] },
 *   ],
 * });
 */
export class SharedVolumes extends Construct {
  /** The workload the volumes were added to. */
  public readonly workload: kplus.AbstractPod;

  /** The shared volumes, in the order declared. */
  public readonly volumes: kplus.Volume[];

  private readonly exchange: VolumeExchange;

  constructor(scope: Construct, id: string, props: SharedVolumesProps) {
    super(scope, id);
    const check = new PropsCheck(this);
    check.required('props', props, 'a props object');
    this.workload = check.required('workload', props.workload, WORKLOAD, kplus.AbstractPod);
    const volumes = props.volumes === undefined ? undefined : check.list('volumes', props.volumes, 'a list of shared volumes');
    const containers = check.list('containers', props.containers, 'a list of container props', true);
    this.exchange = new VolumeExchange(this, this.workload, volumes, check.found);
    containers.forEach(c => this.exchange.addContainer(c));
    this.volumes = this.exchange.volumes;
    this.node.addValidation(this.exchange.checks());
  }

  /** The containers this pattern added, in order. */
  public get containers(): kplus.Container[] {
    return [...this.exchange.containers];
  }

  /**
   * Adds a container to the workload, with its shared mounts.
   * @param props the container, with `sharedMounts`
   * @returns the container added
   */
  public addContainer(props: SharedVolumeContainerProps): kplus.Container {
    return this.exchange.addContainer(props);
  }

  /**
   * Mounts shared volumes in a container the workload already has (added by other code or by
   * another pattern), so that it takes part in the exchange.
   * @param container a container of the workload
   * @param mounts where it mounts which shared volume
   */
  public addMounts(container: kplus.Container, mounts: SharedMount[]): void {
    this.exchange.addMounts(container, mounts, `addMounts(${show(container.name)})`);
  }

  /**
   * The shared volume with this name.
   * @param name the volume's name
   * @returns the volume, or undefined when there is no shared volume of that name
   */
  public findVolume(name: string): kplus.Volume | undefined {
    return this.volumes.find(v => v.name === name);
  }
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
 * A Pod whose containers exchange files through shared `emptyDir` volumes: the `SharedVolumes`
 * pattern as a Pod of its own.
 *
 * Each container mounts a shared volume at its own path, read-write or read-only.
 * Unnamed containers are named `container-0`, `container-1`, ... in order.
 */
export class SharedVolumePod extends MultiContainerPod {
  /** The shared volumes, in the order declared. */
  public readonly sharedVolumes: kplus.Volume[];

  private readonly exchange: VolumeExchange;

  constructor(scope: Construct, id: string, props: SharedVolumePodProps) {
    super(scope, id, props, props?.restartPolicy ?? kplus.RestartPolicy.ALWAYS);
    this._requireContainers(REQUIREMENT);
    const check = new PropsCheck(this);
    const volumes = props.volumes === undefined ? undefined : check.list('volumes', props.volumes, 'a list of shared volumes');
    const containers = check.list('containers', props.containers, 'a list of container props');
    this.exchange = new VolumeExchange(this, this, volumes, check.found);
    containers.forEach(c => this.exchange.addContainer(c));
    this.sharedVolumes = this.exchange.volumes;
    this.node.addValidation(this.exchange.checks());
  }

  /**
   * Adds a container to the Pod, with its shared mounts (`addContainer` ignores `sharedMounts`).
   * @param props the container, with `sharedMounts`
   * @returns the container added
   */
  public addSharedContainer(props: SharedVolumeContainerProps): kplus.Container {
    return this.exchange.addContainer(props);
  }

  /**
   * Mounts shared volumes in a container the Pod already has.
   * @param container a container of the Pod
   * @param mounts where it mounts which shared volume
   */
  public addSharedMounts(container: kplus.Container, mounts: SharedMount[]): void {
    this.exchange.addMounts(container, mounts, `addSharedMounts(${show(container.name)})`);
  }

  /**
   * The shared volume with this name.
   * @param name the volume's name
   * @returns the volume, or undefined when there is no shared volume of that name
   */
  public findVolume(name: string): kplus.Volume | undefined {
    return this.sharedVolumes.find(v => v.name === name);
  }
}

const REQUIREMENT: ContainerCountRequirement = {
  min: 2,
  why: 'a SharedVolumePod',
  fix: 'add the containers that share the volume (a writer and a reader at least)',
};

/** The default volume when none is declared, named after the Kubernetes docs' example. */
const DEFAULT_SHARED_VOLUME: SharedVolume = { name: 'shared-data' };

/**
 * The pattern itself, shared by `SharedVolumes` and `SharedVolumePod`: adds the volumes to the
 * workload, containers with their mounts, and checks at synth that every volume is shared.
 * Bad input never throws: it is kept, and reported at synth with its field.
 */
class VolumeExchange {
  public readonly volumes: kplus.Volume[] = [];
  public readonly containers: kplus.Container[] = [];

  /**
   * @param found what was already found wrong with the props; the pattern adds to it
   */
  constructor(private readonly scope: Construct, private readonly workload: kplus.AbstractPod,
    private readonly declared: SharedVolume[] = [DEFAULT_SHARED_VOLUME], private readonly found: Violation[] = []) {
    const existing = workload.volumes.map(v => v.name);
    declared.forEach((spec, i) => {
      const nameProblem = dnsLabelProblem(spec.name);
      // cdk8s-plus would cut a long name, and throw on a repeated one while building.
      const problem = nameProblem
        ? violation('volume-name-dns-label', `volumes[${i}].name`, `volume name ${show(spec.name)} ${nameProblem}`, 'name the volume with a DNS-1123 label such as "shared-data"')
        : this.volumes.some(v => v.name === spec.name)
          ? violation('volume-name-unique', `volumes[${i}].name`, `volume name ${show(spec.name)} is declared twice`, 'give each shared volume its own name')
          : existing.includes(spec.name)
            ? violation('volume-name-unique', `volumes[${i}].name`, `volume name ${show(spec.name)} is already a volume of the workload`,
              'give the shared volume another name, or mount the workload\'s volume with container.mount()')
            : undefined;
      if (problem) {
        this.found.push(problem);
        return;
      }
      const sizeProblem = spec.sizeLimit && sizeLimitViolation(`volumes[${i}].sizeLimit (volume ${show(spec.name)})`, spec.sizeLimit);
      if (sizeProblem) this.found.push(sizeProblem);
      // An unusable size limit is left out so the rest still renders; the violation fails synth.
      const volume = kplus.Volume.fromEmptyDir(scope, `Volume${i}`, spec.name, {
        medium: spec.medium,
        sizeLimit: sizeProblem ? undefined : spec.sizeLimit,
      });
      workload.addVolume(volume);
      this.volumes.push(volume);
    });
  }

  public addContainer(props: SharedVolumeContainerProps): kplus.Container {
    const i = this.containers.length;
    const named = props.name !== undefined ? props : withOverrides(props, { name: `container-${i}` });
    const container = addPatternContainer(this.scope, this.workload, named, this.found, 'containers', i);
    this.containers.push(container);
    const sharedMounts = props.sharedMounts === undefined || Array.isArray(props.sharedMounts) ? props.sharedMounts ?? []
      : (this.found.push(requiredProp(`containers[${i}].sharedMounts`, props.sharedMounts, 'a list of shared mounts')), []);
    this.addMounts(container, sharedMounts, `containers[${i}].sharedMounts`);
    return container;
  }

  public addMounts(container: kplus.Container, mounts: SharedMount[], field: string): void {
    mounts.forEach((mount, j) => {
      const name = mount.volume ?? (this.declared.length === 1 ? this.declared[0].name : undefined);
      const volume = this.volumes.find(v => v.name === name);
      // A declared name missing from `volumes` was left out: it is reported once, where declared.
      if (volume) {
        container.mount(mount.path, volume, mountOptions(mount));
      } else if (name === undefined || !this.declared.some(v => v.name === name)) {
        const at = `${field}[${j}].volume`;
        this.found.push(name === undefined && this.volumes.length > 1
          ? violation('mount-volume-exists', at,
            `container ${show(container.name)} does not say which of the shared volumes ${this.declared.map(v => show(v.name)).join(', ')} to mount`,
            'set `volume` to one of their names')
          : missingVolume(at, container.name, name, this.volumes.map(v => v.name)));
      }
    });
  }

  /** The pattern's synth-time check; the workload's own (every container together) runs too. */
  public checks(): PatternChecks {
    WorkloadChecks.of(this.workload);
    return new PatternChecks(this.found, () => this.unshared());
  }

  /**
   * A shared volume that fewer than two containers mount shares nothing: almost always a
   * forgotten mount. Read at synth, so containers and mounts added after construction count.
   */
  private unshared(): Violation[] {
    const found: Violation[] = [];
    const initContainers = this.workload.initContainers;
    const containers = this.workload.containers;
    this.volumes.forEach(volume => {
      // Containers, not mounts: one container mounting a volume twice shares it with nobody.
      let users = 0;
      let firstUser: kplus.Container | undefined;
      for (const c of initContainers) if (mountsVolume(c, volume) && users++ === 0) firstUser = c;
      for (const c of containers) if (mountsVolume(c, volume) && users++ === 0) firstUser = c;
      if (users >= 2) return;
      // The first declaration of a name is the one added (a repeat is reported and left out).
      const declaredAt = this.declared.findIndex(v => v.name === volume.name);
      found.push(violation('shared-volume-shared', `volumes[${declaredAt}] (volume ${show(volume.name)})`,
        `a shared volume must be mounted by at least 2 containers, ${firstUser ? `only ${show(firstUser.name)} mounts it` : 'none mounts it'}`,
        'add a `sharedMounts` entry for it to each container that reads or writes it, or remove the volume; '
        + 'for space only one container uses (e.g. a writable /tmp), use that container\'s `scratchMounts` instead'));
    });
    return found;
  }
}

/** Mount options with only the keys that are set (cdk8s-plus keeps them per mount). */
function mountOptions(mount: SharedMount): kplus.MountOptions | undefined {
  const options: { readOnly?: boolean; subPath?: string } = {};
  if (mount.readOnly !== undefined) options.readOnly = mount.readOnly;
  if (mount.subPath !== undefined) options.subPath = mount.subPath;
  return Object.keys(options).length ? options : undefined;
}
