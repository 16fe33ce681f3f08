import { ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IValidation } from 'constructs';
import { addContainer } from './_containers';
import { checkPodSpec, ContainerCountRequirement, describePod, Violation } from './_pod-rules';

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

  private readonly initContainerViolations: Violation[];

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param options the Pod options
   * @param restartPolicy the Pod's restart policy, chosen by the pattern
   */
  constructor(scope: Construct, id: string, options: MultiContainerPodOptions, restartPolicy: kplus.RestartPolicy) {
    super(scope, id, {
      metadata: options.metadata,
      securityContext: options.securityContext,
      serviceAccount: options.serviceAccount,
      automountServiceAccountToken: options.automountServiceAccountToken,
      dns: options.dns,
      hostAliases: options.hostAliases,
      dockerRegistryAuth: options.dockerRegistryAuth,
      isolate: options.isolate,
      terminationGracePeriod: options.terminationGracePeriod,
      restartPolicy,
    });
    this.initContainerViolations = (options.initContainers ?? []).flatMap((props, i) =>
      addContainer(this, props, `initContainers[${i}]`, 'initContainers').violations);
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
   * Checks the Pod at synth time with the shared cross-container rules and the pattern's own,
   * so that containers and volumes added to the Pod later are seen too.
   * @internal
   */
  protected _validateAtSynth(requirement: ContainerCountRequirement, patternViolations: () => Violation[]): void {
    this.node.addValidation(new PodRules(this, this.initContainerViolations, requirement, patternViolations));
  }
}

/** The synth-time check of a pattern Pod: one small object per Pod, rather than closures. */
class PodRules implements IValidation {
  private checked?: { readonly shape: string; readonly messages: string[] };

  constructor(
    private readonly pod: kplus.AbstractPod,
    private readonly initContainerViolations: Violation[],
    private readonly requirement: ContainerCountRequirement,
    private readonly patternViolations: () => Violation[]) {}

  /**
   * cdk8s validates every construct twice per synth (App.synth/synthYaml, then Chart.toJson):
   * the rules run again only when the Pod has changed in between. cdk8s-plus only ever adds
   * containers, volumes, mounts and ports, so their counts tell.
   */
  public validate(): string[] {
    const shape = podShape(this.pod);
    if (this.checked?.shape === shape) return [...this.checked.messages];
    const violations = [...this.initContainerViolations, ...checkPodSpec(describePod(this.pod), this.requirement), ...this.patternViolations()];
    const messages = violations.map(v => v.message);
    this.checked = { shape, messages };
    return [...messages];
  }
}

/** The counts of what can be added to a pod: what any change to it changes. */
function podShape(pod: kplus.AbstractPod): string {
  let mounts = 0;
  let ports = 0;
  const containers = pod.containers;
  const initContainers = pod.initContainers;
  for (const c of containers) { mounts += c.mounts.length; ports += c.ports.length; }
  for (const c of initContainers) { mounts += c.mounts.length; ports += c.ports.length; }
  return `${containers.length} ${initContainers.length} ${pod.volumes.length} ${mounts} ${ports}`;
}
