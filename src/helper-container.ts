// A plain helper of any workload (a log shipper, a proxy, a config writer), outside any pattern:
// the pattern containers' defaults and checks, and the choice of a native sidecar.
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { addPatternContainer, withOverrides } from './_containers';
import { PatternChecks, PropsCheck, WORKLOAD } from './_pattern';
import { WorkloadChecks } from './_workload';
import { PatternContainerProps } from './pattern-container';

/**
 * Props of `HelperContainer`: the helper's container props and the workload it joins.
 */
export interface HelperContainerProps extends PatternContainerProps {
  /**
   * The workload the helper is added to: a `kplus.Pod`, `Deployment`, `StatefulSet`,
   * `DaemonSet`, `Job` or `CronJob`.
   */
  readonly workload: kplus.AbstractPod;
}

/**
 * A helper container added to any workload, with what every pattern container gets (Pod Security
 * "restricted" defaults, helper-sized resources, Kubernetes' pull policy, `scratchMounts`) and,
 * with `nativeSidecar: true`, as a native sidecar (Kubernetes >= 1.29) whose `startup` probe
 * holds the app containers back. It is checked with the workload's other containers at synth.
 * Its name defaults to `helper`.
 *
 * @example
 * new HelperContainer(chart, 'proxy', {
 *   workload: deployment,
 *   name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', portNumber: 9901, nativeSidecar: true,
 * });
 */
export class HelperContainer extends Construct {
  /** The workload the helper was added to. */
  public readonly workload: kplus.AbstractPod;

  /** The helper: an app container, or an init container rendered as a native sidecar. */
  public readonly container: kplus.Container;

  constructor(scope: Construct, id: string, props: HelperContainerProps) {
    super(scope, id);
    const check = new PropsCheck(this);
    check.required('props', props, 'a props object');
    this.workload = check.required('workload', props.workload, WORKLOAD, kplus.AbstractPod);
    const found = [...check.found];
    this.container = addPatternContainer(this, this.workload, withOverrides(props, { name: props.name ?? 'helper' }), found, 'props');
    WorkloadChecks.of(this.workload);
    this.node.addValidation(new PatternChecks(found, () => []));
  }
}
