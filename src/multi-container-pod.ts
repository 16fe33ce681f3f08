import { ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addContainer, addPatternInitContainer, renderedName } from './_containers';
import { PropsCheck } from './_pattern';
import { ContainerCountRequirement, ContainerKey, show, Violation } from './_pod-rules';
import { WorkloadChecks } from './_workload';

/**
 * Pod options shared by every multi-container pattern, as cdk8s-plus names them.
 *
 * Anything not listed here is reachable through the pattern's `pod` (a `kplus.Pod`).
 */
export interface MultiContainerPodOptions {
  /**
   * Metadata of the Pod (name, namespace, labels, annotations).
   * @default - a name generated from the construct path
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * Security attributes of the Pod. cdk8s-plus's secure defaults apply: `runAsNonRoot: true`.
   * Set `ensureNonRoot: false` here (and on the container) only for images that must run as root.
   * @default - cdk8s-plus defaults (`ensureNonRoot: true`, `fsGroupChangePolicy: Always`)
   */
  readonly securityContext?: kplus.PodSecurityContextProps;

  /**
   * Init containers, run to completion in order before the pattern's containers start.
   * Their names must not clash with the pattern's containers.
   * @default - no init containers
   */
  readonly initContainers?: kplus.ContainerProps[];

  /**
   * The service account the Pod runs as.
   * @default - the namespace's default service account
   */
  readonly serviceAccount?: kplus.IServiceAccount;

  /**
   * Whether the service account token is mounted into the containers.
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;

  /**
   * DNS settings of the Pod.
   * @default - cdk8s-plus defaults (policy `ClusterFirst`)
   */
  readonly dns?: kplus.PodDnsProps;

  /**
   * Extra /etc/hosts entries.
   * @default - none
   */
  readonly hostAliases?: kplus.HostAlias[];

  /**
   * A docker-registry secret used to pull the images.
   * @default - no pull secret
   */
  readonly dockerRegistryAuth?: kplus.ISecret;

  /**
   * Isolate the Pod from all network traffic except what network policies allow.
   * @default false
   */
  readonly isolate?: boolean;

  /**
   * How long the containers get to stop after SIGTERM.
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
}

/**
 * The base of the multi-container Pod patterns: a `kplus.Pod` (also reachable as `pod`)
 * whose containers and volumes are checked across containers at synth time.
 */
export abstract class MultiContainerPod extends kplus.Pod {
  /** The underlying cdk8s-plus Pod, for anything the pattern does not cover: this construct itself. */
  public get pod(): kplus.Pod {
    return this;
  }

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param options the Pod options
   * @param restartPolicy the Pod's restart policy, chosen by the pattern
   */
  constructor(scope: Construct, id: string, options: MultiContainerPodOptions, restartPolicy: kplus.RestartPolicy) {
    super(scope, id, {
      metadata: options?.metadata,
      securityContext: options?.securityContext,
      serviceAccount: options?.serviceAccount,
      automountServiceAccountToken: options?.automountServiceAccountToken,
      dns: options?.dns,
      hostAliases: options?.hostAliases,
      dockerRegistryAuth: options?.dockerRegistryAuth,
      isolate: options?.isolate,
      terminationGracePeriod: options?.terminationGracePeriod,
      restartPolicy,
    });
    new PropsCheck(this).required('props', options, 'a props object');
    // The cross-container rules run over the whole Pod at synth, before the pattern's own rules.
    const checks = WorkloadChecks.of(this);
    const found: Violation[] = [];
    const propsCheck = new PropsCheck(this);
    propsCheck.list('initContainers', options.initContainers, 'a list of container props', true).forEach((props, i) => addPatternInitContainer(this, props, found, i));
    checks.addBuildViolations([...propsCheck.found, ...found]);
  }

  /**
   * The app or init container with this name.
   * @param name the container's name
   * @returns the container, or undefined when the Pod has none of that name
   */
  public findContainer(name: string): kplus.Container | undefined {
    return [...this.containers, ...this.initContainers].find(c => c.name === name);
  }

  /**
   * Adds a container, as `kplus.Pod.addContainer` does; what cdk8s-plus would throw on while
   * adding it (a port declared twice, `port` and `portNumber` both set) is left out and reported
   * at synth with the construct path, with the Pod's other problems.
   * @param cont the container's props
   * @returns the container added
   */
  public addContainer(cont: kplus.ContainerProps): kplus.Container {
    return this.addChecked(cont, 'containers');
  }

  /**
   * Adds an init container, as `kplus.Pod.addInitContainer` does; a probe (which cdk8s-plus
   * throws on, without a path) is left out and reported at synth, and `portNumber` becomes a
   * plain port (cdk8s-plus would give it a TCP startup probe, which init containers cannot have).
   * @param cont the init container's props
   * @returns the init container added
   */
  public addInitContainer(cont: kplus.ContainerProps): kplus.Container {
    return this.addChecked(cont, 'initContainers');
  }

  /**
   * Adds props the library has already checked and prepared, as cdk8s-plus does.
   * @internal
   */
  public _addPrepared(cont: kplus.ContainerProps, kind: ContainerKey): kplus.Container {
    return kind === 'containers' ? super.addContainer(cont) : super.addInitContainer(cont);
  }

  private addChecked(cont: kplus.ContainerProps, kind: ContainerKey): kplus.Container {
    const found: Violation[] = [];
    const index = kind === 'containers' ? this.containers.length : this.initContainers.length;
    const name = renderedName((cont as kplus.ContainerProps | undefined)?.name, kind, index);
    const container = addContainer(this, cont, found, kind === 'containers' ? `addContainer(${show(name)})` : `addInitContainer(${show(name)})`, undefined, kind);
    if (found.length) WorkloadChecks.of(this).addBuildViolations(found);
    return container;
  }

  /**
   * Sets the pattern's demand on the number of app containers, checked at synth.
   * @internal
   */
  protected _requireContainers(requirement: ContainerCountRequirement): void {
    WorkloadChecks.of(this).requirement = requirement;
  }
}
