// The six workload kinds a pattern applies to, built the way a user would, and where each kind
// puts its pod spec (in the object and in the field paths of messages).
import { Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

export interface Kind {
  readonly kind: string;
  /** Builds an empty workload of the kind in `chart`, with id `web`. */
  readonly build: (chart: Chart) => kplus.AbstractPod;
  /** Where the pod spec is, as a field path. */
  readonly spec: string;
}

export const KINDS: Kind[] = [
  { kind: 'Pod', build: chart => new kplus.Pod(chart, 'web'), spec: 'spec' },
  { kind: 'Deployment', build: chart => new kplus.Deployment(chart, 'web', { replicas: 2 }), spec: 'spec.template.spec' },
  {
    kind: 'StatefulSet',
    // cdk8s-plus cannot build a headless Service without ports at construction: the user passes one.
    build: chart => new kplus.StatefulSet(chart, 'web', {
      service: new kplus.Service(chart, 'web-headless', { clusterIP: 'None', ports: [{ port: 8080 }, { port: 80 }] }),
    }),
    spec: 'spec.template.spec',
  },
  { kind: 'DaemonSet', build: chart => new kplus.DaemonSet(chart, 'web'), spec: 'spec.template.spec' },
  { kind: 'Job', build: chart => new kplus.Job(chart, 'web'), spec: 'spec.template.spec' },
  { kind: 'CronJob', build: chart => new kplus.CronJob(chart, 'web', { schedule: Cron.daily() }), spec: 'spec.jobTemplate.spec.template.spec' },
];

/** The synthesized object of the given kind in the chart (exactly one). */
export function synthKind(chart: Chart, kind: string): any {
  const found = Testing.synth(chart).filter(o => o.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The pod spec of a synthesized workload. */
export function podSpec(obj: any): any {
  return obj.spec.jobTemplate?.spec.template.spec ?? obj.spec.template?.spec ?? obj.spec;
}
