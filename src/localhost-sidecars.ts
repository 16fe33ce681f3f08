// The localhost sidecar pattern: helpers reach the main container on localhost:PORT, as all
// containers of a Pod share one network namespace. One implementation, applied to any workload
// (`LocalhostSidecars`) or built as a Pod (`LocalhostSidecarPod`).
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addPatternContainer, withOverrides } from './_containers';
import { PatternChecks, PropsCheck, WORKLOAD } from './_pattern';
import { ContainerCountRequirement, show, violation, Violation } from './_pod-rules';
import { WorkloadChecks } from './_workload';
import { MultiContainerPod, MultiContainerPodOptions } from './multi-container-pod';
import { PatternContainerProps } from './pattern-container';

/**
 * What a main container and its localhost sidecars are made of, on a Pod or on any workload.
 */
export interface LocalhostSidecarsOptions {
  /**
   * The main container, added first. It must declare at least one port (`portNumber` or
   * `ports`); the first one is the one sidecars are told about. Its name defaults to `main`.
   */
  readonly main: PatternContainerProps;

  /**
   * The helpers that reach the main container over `localhost`. Unnamed ones are named
   * `sidecar-0`, `sidecar-1`, ... They share the Pod's one port space with the main container,
   * so none may declare a port another container declares. More join with `addSidecar`.
   */
  readonly sidecars: PatternContainerProps[];

  /**
   * Give every sidecar the main container's address as environment variables: `MAIN_HOST`
   * (`localhost`), `MAIN_PORT` and `MAIN_URL` (`http://localhost:<port>`). A variable the
   * sidecar sets itself is left alone.
   * @default true
   */
  readonly exposeMainAddress?: boolean;
}

/**
 * Props of `LocalhostSidecars`.
 */
export interface LocalhostSidecarsProps extends LocalhostSidecarsOptions {
  /**
   * The workload whose Pods hold the containers: a `kplus.Pod`, `Deployment`, `StatefulSet`,
   * `DaemonSet`, `Job` or `CronJob`.
   */
  readonly workload: kplus.AbstractPod;
}

/**
 * A main container of a workload and sidecars that reach it over `localhost`: all containers of
 * a Pod share one network namespace (one IP, one port space).
 */
export class LocalhostSidecars extends Construct {
  /** The workload the containers were added to. */
  public readonly workload: kplus.AbstractPod;

  /** The main container. */
  public readonly main: kplus.Container;

  /** The main container's first port, or undefined when it declares none (a synth error). */
  public readonly port?: number;

  private readonly group: SidecarGroup;

  constructor(scope: Construct, id: string, props: LocalhostSidecarsProps) {
    super(scope, id);
    const check = new PropsCheck(this);
    check.required('props', props, 'a props object');
    this.workload = check.required('workload', props.workload, WORKLOAD, kplus.AbstractPod);
    this.group = new SidecarGroup(this, this.workload, props);
    this.main = this.group.main;
    this.port = this.group.port;
    this.node.addValidation(this.group.checks());
  }

  /** The sidecars, in order. */
  public get sidecars(): kplus.Container[] {
    return [...this.group.sidecars];
  }

  /** `localhost:<port>`: where every container of the Pod reaches the main container. */
  public get localhostAddress(): string {
    return `localhost:${this.port}`;
  }

  /** `http://localhost:<port>`. */
  public get localhostUrl(): string {
    return `http://${this.localhostAddress}`;
  }

  /**
   * Adds a sidecar, told the main container's address like the others.
   * @param props the sidecar
   * @returns the container added
   */
  public addSidecar(props: PatternContainerProps): kplus.Container {
    return this.group.addSidecar(props);
  }
}

/**
 * Props of `LocalhostSidecarPod`.
 */
export interface LocalhostSidecarPodProps extends MultiContainerPodOptions, LocalhostSidecarsOptions {
  /**
   * The Pod's restart policy.
   * @default RestartPolicy.ALWAYS
   */
  readonly restartPolicy?: kplus.RestartPolicy;
}

/**
 * A main container and sidecars that reach it over `localhost`: the `LocalhostSidecars` pattern
 * as a Pod of its own. It needs at least one sidecar.
 */
export class LocalhostSidecarPod extends MultiContainerPod {
  /** The main container (first in the Pod). */
  public readonly main: kplus.Container;

  /** The main container's first port, or undefined when it declares none (a synth error). */
  public readonly port?: number;

  private readonly group: SidecarGroup;

  constructor(scope: Construct, id: string, props: LocalhostSidecarPodProps) {
    super(scope, id, props, props?.restartPolicy ?? kplus.RestartPolicy.ALWAYS);
    this._requireContainers(REQUIREMENT);
    this.group = new SidecarGroup(this, this, props);
    this.main = this.group.main;
    this.port = this.group.port;
    this.node.addValidation(this.group.checks());
  }

  /** The sidecars, in order. */
  public get sidecars(): kplus.Container[] {
    return [...this.group.sidecars];
  }

  /** `localhost:<port>`: where every container of the Pod reaches the main container. */
  public get localhostAddress(): string {
    return `localhost:${this.port}`;
  }

  /** `http://localhost:<port>`. */
  public get localhostUrl(): string {
    return `http://${this.localhostAddress}`;
  }

  /**
   * Adds a sidecar, told the main container's address like the others.
   * @param props the sidecar
   * @returns the container added
   */
  public addSidecar(props: PatternContainerProps): kplus.Container {
    return this.group.addSidecar(props);
  }
}

const REQUIREMENT: ContainerCountRequirement = { min: 2, why: 'a LocalhostSidecarPod', fix: 'add at least one container to `sidecars`' };

/**
 * The pattern itself, shared by `LocalhostSidecars` and `LocalhostSidecarPod`: the main container
 * first, then the sidecars, each told where the main container listens.
 * Bad input never throws: it is kept, and reported at synth with its field.
 */
class SidecarGroup {
  public readonly main: kplus.Container;
  public readonly port?: number;
  public readonly sidecars: kplus.Container[] = [];
  private readonly found: Violation[] = [];
  private readonly address: Record<string, kplus.EnvValue>;

  constructor(private readonly scope: Construct, private readonly workload: kplus.AbstractPod, props: LocalhostSidecarsOptions) {
    const check = new PropsCheck(scope);
    check.required('main', props.main, 'the main container\'s props');
    const sidecars = check.list('sidecars', props.sidecars, 'a list of container props');
    this.found.push(...check.found);
    const mainProps = props.main.name !== undefined ? props.main : withOverrides(props.main, { name: 'main' });
    this.main = addPatternContainer(scope, workload, mainProps, this.found, 'main');
    this.port = this.main.ports[0]?.number;
    if (this.port === undefined) {
      this.found.push(violation('localhost-main-port', 'main.ports',
        `the main container ${show(this.main.name)} declares no port, so sidecars have no localhost address to reach it on`,
        'set main.portNumber (or main.ports) to the port it listens on'));
    }
    this.address = this.port === undefined || props.exposeMainAddress === false ? {} : {
      MAIN_HOST: kplus.EnvValue.fromValue('localhost'),
      MAIN_PORT: kplus.EnvValue.fromValue(String(this.port)),
      MAIN_URL: kplus.EnvValue.fromValue(`http://localhost:${this.port}`),
    };
    sidecars.forEach(s => this.addSidecar(s, 'sidecars'));
  }

  public addSidecar(props: PatternContainerProps, field?: string): kplus.Container {
    const i = this.sidecars.length;
    const sidecar = addPatternContainer(this.scope, this.workload, withOverrides(props, {
      name: props.name ?? `sidecar-${i}`,
      // The sidecar's own variables win over the injected ones.
      envVariables: Object.assign({}, this.address, props.envVariables),
    }), this.found, field ?? 'sidecars', i);
    this.sidecars.push(sidecar);
    return sidecar;
  }

  /** The pattern's synth-time check; the workload's own (every container together) runs too. */
  public checks(): PatternChecks {
    WorkloadChecks.of(this.workload);
    return new PatternChecks(this.found, () => this.portMoved());
  }

  /**
   * The sidecars were told the main container's first port when they were added: a port object
   * changed since (ports are read at synth) would leave them calling the wrong one.
   */
  private portMoved(): Violation[] {
    const now = this.main.ports[0]?.number;
    if (this.port === undefined || now === this.port) return [];
    return [violation('localhost-main-port', 'main.ports[0]',
      `the main container ${show(this.main.name)} now declares port ${show(now)} first, but its sidecars were told ${this.port} (MAIN_PORT, MAIN_URL) when they were added`,
      'leave the main container\'s first port as it was when the pattern was built, or build the pattern with the port it listens on')];
  }
}
