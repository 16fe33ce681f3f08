// What the library knows of the workload a pattern is applied to (a Pod, or the pod template of
// a Deployment, StatefulSet, DaemonSet, Job or CronJob), and the one synth-time check each such
// workload gets, however many patterns are applied to it.
import { ApiObjectMetadataDefinition, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IValidation } from 'constructs';
import { attached } from './_attached';
import { checkPod } from './_pod-check';
import { ContainerCountRequirement, durationViolation, isPassableText, show, textViolations, violation, Violation } from './_pod-rules';

/** The workload kinds the library writes, as the YAML names them. */
export type WorkloadKind = 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob';

/** The kind of a cdk8s-plus workload; other `AbstractPod`s are treated as Pods. */
export function kindOf(workload: kplus.AbstractPod): WorkloadKind {
  if (workload instanceof kplus.Deployment) return 'Deployment';
  if (workload instanceof kplus.StatefulSet) return 'StatefulSet';
  if (workload instanceof kplus.DaemonSet) return 'DaemonSet';
  if (workload instanceof kplus.Job) return 'Job';
  if (workload instanceof kplus.CronJob) return 'CronJob';
  return 'Pod';
}

/** Where the pod spec is in the YAML of the workload's kind, for the field paths of messages. */
export function podSpecPath(workload: kplus.AbstractPod): string {
  switch (kindOf(workload)) {
    case 'Pod': return 'spec';
    case 'CronJob': return 'spec.jobTemplate.spec.template.spec';
    default: return 'spec.template.spec';
  }
}

/** Kinds whose controllers keep their Pods running: the API server accepts only `restartPolicy: Always`. */
const LONG_RUNNING_KINDS: ReadonlyArray<WorkloadKind> = ['Deployment', 'StatefulSet', 'DaemonSet'];
/** Kinds whose Pods must complete: the API server refuses `restartPolicy: Always`. */
const COMPLETING_KINDS: ReadonlyArray<WorkloadKind> = ['Job', 'CronJob'];

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const CHECKS = Symbol.for('cdk8s-multicontainer.WorkloadChecks');

/**
 * The synth-time check of one workload: the cross-container rules over its whole pod template
 * (whoever added the containers and volumes, before or after the patterns), the rules of its
 * kind, and what the patterns applied to it told it while building. It reads the workload anew
 * in every validation pass: no memo, so no change made after a first synth goes unseen.
 */
export class WorkloadChecks implements IValidation {
  /** The checks of `workload`, made (and added to its validations) on first use. */
  public static of(workload: kplus.AbstractPod): WorkloadChecks {
    return attached(workload, CHECKS, () => {
      const checks = new WorkloadChecks(workload);
      workload.node.addValidation(checks);
      return checks;
    });
  }

  /** The workload's kind. */
  public readonly kind: WorkloadKind;
  /** Where its pod spec is in its YAML. */
  public readonly spec: string;
  /** A Pod pattern's demand on the number of app containers, if any. */
  public requirement?: ContainerCountRequirement;
  // Made on first use: most workloads have no build violation, long-running helper or native sidecar.
  /** What had to be left out while building containers (cdk8s-plus would have thrown on it). */
  private buildViolations?: Violation[];
  /** App containers a pattern knows keep running until stopped, with why it knows. */
  private longRunning?: Map<kplus.Container, string>;
  /** Init containers rendered as native sidecars (`restartPolicy: Always`). */
  private nativeSidecars?: Set<kplus.Container>;
  /** The containers the patterns made (their probes and hooks were checked when they were made). */
  private readonly patternContainers = new Set<kplus.Container>();

  private constructor(private readonly workload: kplus.AbstractPod) {
    this.kind = kindOf(workload);
    this.spec = podSpecPath(workload);
  }

  /** Reports what had to be left out while building. */
  public addBuildViolations(found: ReadonlyArray<Violation>): void {
    if (found.length) (this.buildViolations ??= []).push(...found);
  }

  /** Records that `container` keeps running until stopped (`why`, for the message). */
  public markLongRunning(container: kplus.Container, why: string): void {
    (this.longRunning ??= new Map()).set(container, why);
  }

  /** Records that the init container `container` is rendered as a native sidecar. */
  public markNativeSidecar(container: kplus.Container): void {
    (this.nativeSidecars ??= new Set()).add(container);
  }

  /** Records that a pattern made `container`, and checked its probes and hooks. */
  public markPatternContainer(container: kplus.Container): void {
    this.patternContainers.add(container);
  }

  /** Whether `container` is rendered as a native sidecar. */
  public isNativeSidecar(container: kplus.Container): boolean {
    return this.nativeSidecars?.has(container) ?? false;
  }

  public validate(): string[] {
    return this.violations().map(v => v.message);
  }

  /** Everything wrong with the workload, in message order. */
  public violations(): Violation[] {
    const found = checkPod(this.workload, this.spec, this.requirement, c => this.isNativeSidecar(c));
    if (this.buildViolations) found.unshift(...this.buildViolations);
    this.otherContainersViolations(found, this.workload.containers, 'containers');
    this.otherContainersViolations(found, this.workload.initContainers, 'initContainers');
    this.metadataViolations(found, 'metadata', this.workload.metadata);
    if (this.kind !== 'Pod') {
      const template = (this.workload as unknown as { podMetadata?: ApiObjectMetadataDefinition }).podMetadata;
      this.metadataViolations(found, this.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.metadata' : 'spec.template.metadata', template);
    }
    this.kindViolations(found);
    return found;
  }

  /**
   * Containers added by other code keep their probes and hooks private in cdk8s-plus: they are
   * rendered here (a probe duration that is not whole seconds would otherwise throw while the
   * manifest is written), and their strings checked like the patterns' own.
   */
  private otherContainersViolations(found: Violation[], containers: kplus.Container[], key: string): void {
    for (let i = 0; i < containers.length; i++) {
      if (this.patternContainers.has(containers[i])) continue;
      found.push(...renderedContainerViolations(containers[i], `${this.spec}.${key}[${i}]`));
    }
  }

  /** Annotation values are written to YAML like any string: they must be read back as written. */
  private metadataViolations(found: Violation[], field: string, metadata: ApiObjectMetadataDefinition | undefined): void {
    const annotations = annotationsOf(metadata);
    for (const key in annotations) {
      const value = annotations[key];
      if (!isPassableText(value)) found.push(...textViolations(`${field}.annotations[${show(key)}]`, `the annotation ${show(key)} is`, value));
    }
  }

  /** The rules of the workload's kind, which cdk8s-plus-27 lets through and the cluster does not. */
  private kindViolations(found: Violation[]): void {
    const policy = this.workload.restartPolicy;
    const field = `${this.spec}.restartPolicy`;
    if (LONG_RUNNING_KINDS.includes(this.kind) && policy !== undefined && policy !== kplus.RestartPolicy.ALWAYS) {
      found.push(violation('workload-restart-policy', field,
        `a ${this.kind} keeps its Pods running, and the API server accepts only restartPolicy "Always" in its pod template, received ${show(policy)}`,
        'leave restartPolicy unset (Always); for containers that run to completion, use a Job'));
    }
    if (COMPLETING_KINDS.includes(this.kind) && policy === kplus.RestartPolicy.ALWAYS) {
      found.push(violation('workload-restart-policy', field,
        `a ${this.kind}'s Pods run to completion, and the API server refuses restartPolicy "Always" in its pod template, received ${show(policy)}`,
        'use RestartPolicy.NEVER (the default) or RestartPolicy.ON_FAILURE'));
    }
    this.nameViolations(found);
    this.durationViolations(found);
    if (COMPLETING_KINDS.includes(this.kind) && this.longRunning) this.neverCompleting(found, this.longRunning);
    if (this.workload instanceof kplus.StatefulSet) this.unservedPorts(found, this.workload);
  }

  /**
   * `metadata.name` as the API server checks it for the kind: a DNS-1123 subdomain; a Job's
   * name also becomes its Pods' `job-name` label (at most 63 characters), and a CronJob's gets
   * 11 characters appended for each Job it creates (at most 52).
   */
  private nameViolations(found: Violation[]): void {
    const name = this.workload.name;
    const most = this.kind === 'CronJob' ? 52 : this.kind === 'Job' ? 63 : 253;
    let problem: string | undefined;
    if (typeof name !== 'string' || !DNS_SUBDOMAIN.test(name)) {
      problem = 'must be a DNS-1123 subdomain: lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit';
    } else if (name.length > most) {
      problem = `is ${name.length} characters long, and a ${this.kind}'s name may have at most ${most}`;
    }
    if (!problem) return;
    found.push(violation('metadata-name-valid', 'metadata.name', `the ${this.kind}'s name ${show(name)} ${problem}`,
      `set metadata.name to a name such as "web-1", or leave it unset for a generated one${most < 253 ? ` (at most ${most} characters)` : ''}`));
  }

  /**
   * Durations cdk8s-plus writes as whole seconds: anything else makes it throw while writing
   * the manifest, after other charts may have been written already.
   */
  private durationViolations(found: Violation[]): void {
    const w = this.workload as unknown as Record<string, Duration | undefined>;
    const check = (field: string, duration: Duration | undefined) => {
      const v = durationViolation(field, duration);
      if (v) found.push(v);
    };
    check(`${this.spec}.terminationGracePeriodSeconds`, this.workload.terminationGracePeriod);
    if (this.kind === 'Deployment') {
      check('spec.minReadySeconds', w.minReady);
      check('spec.progressDeadlineSeconds', w.progressDeadline);
    }
    if (this.kind === 'StatefulSet') check('spec.minReadySeconds', w.minReady);
    if (COMPLETING_KINDS.includes(this.kind)) {
      // A CronJob keeps its Jobs' durations in `jobProperties`.
      const job = (this.kind === 'CronJob' ? (this.workload as unknown as { jobProperties?: Record<string, Duration | undefined> }).jobProperties : w) ?? {};
      const top = this.kind === 'CronJob' ? 'spec.jobTemplate.spec' : 'spec';
      check(`${top}.activeDeadlineSeconds`, job.activeDeadline);
      check(`${top}.ttlSecondsAfterFinished`, job.ttlAfterFinished);
    }
    if (this.kind === 'CronJob') check('spec.startingDeadlineSeconds', w.startingDeadline);
  }

  /** A Job's Pod completes when all its app containers have exited: one that keeps running holds it forever. */
  private neverCompleting(found: Violation[], longRunning: Map<kplus.Container, string>): void {
    this.workload.containers.forEach((container, i) => {
      const why = longRunning.get(container);
      if (why === undefined) return;
      found.push(violation('job-long-running-helper', `${this.spec}.containers[${i}]`,
        `container ${show(container.name)} keeps running (${why}), so the ${this.kind}'s Pod never completes: it completes only when every app container has exited`,
        'make it a native sidecar with `nativeSidecar: true` (Kubernetes >= 1.29; the kubelet stops it once the app containers exit), '
        + 'or have it exit on a shutdown signal from the main container (e.g. a file in a shared volume) and declare `longRunning: false`'));
    });
  }

  /**
   * cdk8s-plus builds a StatefulSet's headless Service from the ports its containers declare
   * when it is created: ports added later (as patterns add them) are missing from it.
   */
  private unservedPorts(found: Violation[], sts: kplus.StatefulSet): void {
    const service = sts.service;
    if (service.node.scope !== sts) return; // a Service of the user's own: its ports are the user's choice
    const served = new Set(service.ports.map(p => `${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`));
    sts.containers.forEach((container, i) => container.ports.forEach((port, j) => {
      const key = `${port.number}/${port.protocol ?? 'TCP'}`;
      if (served.has(key)) return;
      found.push(violation('statefulset-service-ports', `${this.spec}.containers[${i}].ports[${j}]`,
        `container ${show(container.name)} declares port ${key}, which the StatefulSet's headless Service ${show(service.name)} does not list: `
        + 'cdk8s-plus built that Service from the ports declared when the StatefulSet was created, and this port was added later',
        `publish it with statefulSet.service.bind(${port.number}), or give the StatefulSet a Service of your own (\`service\`) that lists its ports`));
    }));
  }
}

/**
 * The annotations of `metadata`. cdk8s renders them only with the whole metadata (resolving and
 * sanitizing every field, for every workload in every validation pass): its own map is read
 * when it has one, and the rendered metadata otherwise.
 */
function annotationsOf(metadata: ApiObjectMetadataDefinition | undefined): Record<string, unknown> {
  if (!metadata) return {};
  const own = (metadata as unknown as { annotations?: unknown }).annotations;
  if (own !== null && typeof own === 'object') return own as Record<string, unknown>;
  return metadata.toJson()?.annotations ?? {};
}

/**
 * A container rendered as cdk8s-plus will render it: what would throw then (a duration that is
 * not whole seconds) is reported now, and the strings of its probes, hooks and working
 * directory are checked (`at` is where it is in the pod spec).
 */
export function renderedContainerViolations(container: kplus.Container, at: string): Violation[] {
  let rendered: any;
  try {
    rendered = kplus.k8s.toJson_Container(container._toKube());
  } catch (e) {
    return [violation('duration-valid', at, `container ${show(container.name)} cannot be written: ${(e as Error).message}`,
      'give the durations of its probes and hooks in whole seconds, e.g. Duration.seconds(5)')];
  }
  return renderedStringViolations(rendered, at, () => `container ${show(container.name)}`);
}

/** The strings of a rendered container's probes, hooks and working directory, through the string rules. */
export function renderedStringViolations(rendered: any, at: string, label: () => string): Violation[] {
  const found: Violation[] = [];
  const parts: Array<[string, any]> = [
    ['startupProbe', rendered?.startupProbe], ['readinessProbe', rendered?.readinessProbe], ['livenessProbe', rendered?.livenessProbe],
    ['lifecycle.postStart', rendered?.lifecycle?.postStart], ['lifecycle.preStop', rendered?.lifecycle?.preStop],
  ];
  // Field and label are put together only for a string that breaks a rule.
  for (const [name, part] of parts) {
    (part?.exec?.command ?? []).forEach((text: unknown, j: number) => {
      if (!isPassableText(text)) found.push(...textViolations(`${at}.${name}.exec.command[${j}]`, `${label()}'s ${name} has the command string`, text));
    });
    const path = part?.httpGet?.path;
    if (path !== undefined && !isPassableText(path)) found.push(...textViolations(`${at}.${name}.httpGet.path`, `${label()}'s ${name} has the HTTP path`, path));
  }
  const workingDir = rendered?.workingDir;
  if (workingDir !== undefined && !isPassableText(workingDir)) found.push(...textViolations(`${at}.workingDir`, `${label()} has the working directory`, workingDir));
  return found;
}
