import { ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IValidation } from 'constructs';
import { addContainer } from './_containers';
import { checkPod, PodReading } from './_pod-check';
import { ContainerCountRequirement, NO_VIOLATIONS, Violation } from './_pod-rules';

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

  /** What had to be left out of the init containers while building (usually none, shared). */
  private readonly initContainerViolations: ReadonlyArray<Violation>;

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
    const found: Violation[] = [];
    options.initContainers?.forEach((props, i) => addContainer(this, props, found, 'initContainers', i, 'initContainers'));
    this.initContainerViolations = found.length ? found : NO_VIOLATIONS;
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
   * Has the Pod checked at synth time with the shared cross-container rules and the pattern's
   * own (`_patternViolations`), so that containers and volumes added to the Pod later are seen too.
   * @internal
   */
  protected _validateAtSynth(requirement: ContainerCountRequirement): void {
    this.node.addValidation(new PodRules(this, requirement));
  }

  /**
   * Everything wrong with the Pod, in message order.
   * @internal
   */
  public _violations(requirement: ContainerCountRequirement): Violation[] {
    const violations = checkPod(this, requirement);
    const pattern = this._patternViolations();
    if (!this.initContainerViolations.length && !pattern.length) return violations;
    return [...this.initContainerViolations, ...violations, ...pattern];
  }

  /**
   * The pattern's own violations: what it found while building, and what only synth can tell.
   * @internal
   */
  protected _patternViolations(): ReadonlyArray<Violation> {
    return NO_VIOLATIONS;
  }
}

/**
 * The synth-time check of a pattern Pod: a reading of the Pod (to tell whether it changed since
 * the last check) that keeps the messages found. It holds no closures and no per-Pod copies of
 * the pattern's input: at 10,000 Pods every retained byte per Pod shows in synth's GC time.
 */
class PodRules extends PodReading implements IValidation {
  /** The messages of the last check; undefined before it ends (so a check that threw is made again). */
  private messages?: ReadonlyArray<string>;

  constructor(private readonly pod: MultiContainerPod, private readonly requirement: ContainerCountRequirement) {
    super();
  }

  /**
   * cdk8s validates every construct twice per synth (App.synth/synthYaml, then Chart.toJson):
   * the rules run again only when the Pod has changed in between.
   */
  public validate(): string[] {
    // Every load and call here runs in every pass, so later passes run code V8 has seen run.
    let messages = this.messages;
    if (this.update(this.pod) || messages === undefined) {
      this.messages = undefined;
      const violations = this.pod._violations(this.requirement);
      messages = this.messages = violations.length ? violations.map(v => v.message) : NO_MESSAGES;
    }
    return messages.slice();
  }
}

const NO_MESSAGES: ReadonlyArray<string> = Object.freeze([]);
