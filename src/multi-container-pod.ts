import { ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IValidation } from 'constructs';
import { addContainer } from './_containers';
import { checkPodSpec, ContainerCountRequirement, describePod, NO_VIOLATIONS, Violation } from './_pod-rules';

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
    return [...this.initContainerViolations, ...checkPodSpec(describePod(this), requirement), ...this._patternViolations()];
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
 * The synth-time check of a pattern Pod. It holds no closures and no per-Pod copies of the
 * pattern's input: at 10,000 Pods every retained byte per Pod shows in synth's GC time.
 */
class PodRules implements IValidation {
  /** The Pod's shape when last checked (see `podShape`), -1 before the first check. */
  private checkedShape = -1;
  /** The environment variable values when last checked: a variable can be set again, to a new value. */
  private checkedEnv: ReadonlyArray<kplus.EnvValue> = NO_ENV;
  private checkedMessages: ReadonlyArray<string> = NO_MESSAGES;

  constructor(private readonly pod: MultiContainerPod, private readonly requirement: ContainerCountRequirement) {}

  /**
   * cdk8s validates every construct twice per synth (App.synth/synthYaml, then Chart.toJson):
   * the rules run again only when the Pod has changed in between.
   */
  public validate(): string[] {
    // cdk8s-plus's getters return copies: read them once per pass.
    const containers = this.pod.containers;
    const initContainers = this.pod.initContainers;
    const shape = podShape(this.pod, containers, initContainers);
    if (shape !== this.checkedShape || !sameEnv(containers, initContainers, this.checkedEnv)) {
      const violations = this.pod._violations(this.requirement);
      this.checkedMessages = violations.length ? violations.map(v => v.message) : NO_MESSAGES;
      this.checkedShape = shape;
      this.checkedEnv = envValues(containers, initContainers);
    }
    return [...this.checkedMessages];
  }
}

/**
 * How much the pod holds: containers, init containers, volumes, mounts and ports. cdk8s-plus
 * only ever adds these (it has no way to remove one), so adding any of them makes this number
 * grow. Environment variables can also be set again, to a new value: `sameEnv` compares those.
 */
function podShape(pod: kplus.AbstractPod, containers: kplus.Container[], initContainers: kplus.Container[]): number {
  let shape = containers.length + initContainers.length + pod.volumes.length;
  for (const c of containers) shape += c.mounts.length + c.ports.length;
  for (const c of initContainers) shape += c.mounts.length + c.ports.length;
  return shape;
}

/** The pod's environment variable values, container by container, in the order rendered. */
function envValues(containers: kplus.Container[], initContainers: kplus.Container[]): ReadonlyArray<kplus.EnvValue> {
  let values: kplus.EnvValue[] | undefined;
  for (const c of containers) values = addEnvValues(c, values);
  for (const c of initContainers) values = addEnvValues(c, values);
  // Kept until the next synth: a copy sized to fit (an array grown by push keeps room for 17).
  return values ? values.slice() : NO_ENV;
}

function addEnvValues(container: kplus.Container, values: kplus.EnvValue[] | undefined): kplus.EnvValue[] | undefined {
  const variables = container.env.variables;
  for (const name in variables) (values ??= []).push(variables[name]);
  return values;
}

/**
 * Whether the pod holds the same environment variable values (the same immutable EnvValue
 * objects, in the same places) as `checked`; names only come with values, and only ever add.
 */
function sameEnv(containers: kplus.Container[], initContainers: kplus.Container[], checked: ReadonlyArray<kplus.EnvValue>): boolean {
  let k = 0;
  for (const list of [containers, initContainers]) {
    for (const c of list) {
      const variables = c.env.variables;
      for (const name in variables) {
        if (variables[name] !== checked[k++]) return false;
      }
    }
  }
  return k === checked.length;
}

const NO_ENV: ReadonlyArray<kplus.EnvValue> = Object.freeze([]);
const NO_MESSAGES: ReadonlyArray<string> = Object.freeze([]);
