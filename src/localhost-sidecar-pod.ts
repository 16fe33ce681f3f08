import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { applyLocalhostSidecars } from './_localhost';
import { ContainerCountRequirement, Violation } from './_pod-rules';
import { MultiContainerPod, MultiContainerPodOptions } from './multi-container-pod';

/**
 * Props of `LocalhostSidecarPod`.
 */
export interface LocalhostSidecarPodProps extends MultiContainerPodOptions {
  /**
   * The main container, listed first. It must declare at least one port (`portNumber` or
   * `ports`); the first one is the one sidecars are told about. Its name defaults to `main`.
   */
  readonly main: kplus.ContainerProps;

  /**
   * The helpers that reach the main container over `localhost`. At least one. Unnamed ones
   * are named `sidecar-0`, `sidecar-1`, ... They share the Pod's one port space with the main
   * container, so none may declare a port another container declares.
   */
  readonly sidecars: kplus.ContainerProps[];

  /**
   * Give every sidecar the main container's address as environment variables: `MAIN_HOST`
   * (`localhost`), `MAIN_PORT` and `MAIN_URL` (`http://localhost:<port>`). A variable the
   * sidecar sets itself is left alone.
   * @default true
   */
  readonly exposeMainAddress?: boolean;

  /**
   * The Pod's restart policy.
   * @default RestartPolicy.ALWAYS
   */
  readonly restartPolicy?: kplus.RestartPolicy;
}

/**
 * A main container and sidecars that reach it over `localhost`: all containers of a Pod share
 * one network namespace (one IP, one port space).
 */
export class LocalhostSidecarPod extends MultiContainerPod {
  /** The main container (first in the Pod). */
  public readonly main: kplus.Container;

  /** The sidecars, in order. */
  public readonly sidecars: kplus.Container[];

  /** The main container's first port, or undefined when it declares none (a synth error). */
  public readonly port?: number;

  private readonly buildViolations: ReadonlyArray<Violation>;

  constructor(scope: Construct, id: string, props: LocalhostSidecarPodProps) {
    super(scope, id, props, props.restartPolicy ?? kplus.RestartPolicy.ALWAYS);
    const applied = applyLocalhostSidecars(this, props);
    this.main = applied.main;
    this.sidecars = applied.sidecars;
    this.port = applied.port;
    this.buildViolations = applied.violations;
    this._validateAtSynth(REQUIREMENT);
  }

  /** `localhost:<port>`: where every container of the Pod reaches the main container. */
  public get localhostAddress(): string {
    return `localhost:${this.port}`;
  }

  /** `http://localhost:<port>`. */
  public get localhostUrl(): string {
    return `http://${this.localhostAddress}`;
  }

  /** @internal */
  protected _patternViolations(): ReadonlyArray<Violation> {
    return this.buildViolations;
  }
}

const REQUIREMENT: ContainerCountRequirement = { min: 2, why: 'a LocalhostSidecarPod', fix: 'add at least one container to `sidecars`' };
