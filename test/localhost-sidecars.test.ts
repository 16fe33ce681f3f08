// LocalhostSidecars on every workload kind; sidecars that join later get the same treatment.
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { LocalhostSidecarPod, LocalhostSidecars } from '../src';
import { synthError } from './_helpers';
import { KINDS, podSpec, synthKind } from './_workloads';

const nginx = { name: 'nginx', image: 'nginx:1.27', portNumber: 8080 };
const fetcher = { name: 'fetcher', image: 'curlimages/curl:8.11.1', command: ['sh', '-c', 'curl -sS "$MAIN_URL"'] };
const MAIN_ENV = [
  { name: 'MAIN_HOST', value: 'localhost' },
  { name: 'MAIN_PORT', value: '8080' },
  { name: 'MAIN_URL', value: 'http://localhost:8080' },
];

// In a Job the server would keep running: there it runs as a native sidecar (see native-sidecars.test.ts).
describe.each(KINDS.filter(k => k.kind !== 'Job' && k.kind !== 'CronJob').map(k => [k.kind, k] as const))('LocalhostSidecars on a %s', (kind, k) => {
  test('adds the main container first, then the sidecars told its address', () => {
    const chart = Testing.chart();
    const workload = k.build(chart);
    const site = new LocalhostSidecars(chart, 'site', { workload, main: nginx, sidecars: [fetcher] });
    const obj = synthKind(chart, kind);
    expect(obj).toMatchSnapshot();
    const spec = podSpec(obj);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['nginx', 'fetcher']);
    expect(spec.containers[0].ports).toEqual([{ containerPort: 8080 }]);
    expect(spec.containers[0].startupProbe).toEqual({ failureThreshold: 3, tcpSocket: { port: 8080 } });
    expect(spec.containers[1].env).toEqual(MAIN_ENV);
    expect(spec.restartPolicy).toBe('Always');
    expect(site.localhostUrl).toBe('http://localhost:8080');
    expect(site.sidecars.map(s => s.name)).toEqual(['fetcher']);
  });
});

describe('LocalhostSidecars', () => {
  test('a sidecar added later with addSidecar gets the MAIN_* variables too', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web');
    const site = new LocalhostSidecars(chart, 'site', { workload: web, main: nginx, sidecars: [] });
    site.addSidecar({ ...fetcher, name: 'later' });
    const spec = podSpec(synthKind(chart, 'Deployment'));
    expect(spec.containers[1].name).toBe('later');
    expect(spec.containers[1].env).toEqual(MAIN_ENV);
  });

  test('LocalhostSidecarPod.addSidecar names and configures the sidecar like the ones from props', () => {
    const chart = Testing.chart();
    const pod = new LocalhostSidecarPod(chart, 'pod', { main: nginx, sidecars: [fetcher] });
    const later = pod.addSidecar({ image: 'curlimages/curl:8.11.1' });
    expect(later.name).toBe('sidecar-1');
    expect(later.env.variables.MAIN_URL.value).toBe('http://localhost:8080');
  });

  test('fails in a Job: the main container is a server and would keep the Job\'s Pod from completing', () => {
    const chart = Testing.chart();
    const job = new kplus.Job(chart, 'web');
    new LocalhostSidecars(chart, 'site', { workload: job, main: nginx, sidecars: [fetcher] });
    expect(synthError(chart)).toContain('[test/web] spec.template.spec.containers[0]: container "nginx" keeps running (it declares port 8080, so it is taken for a server), '
      + 'so the Job\'s Pod never completes');
  });

  test('a server declared longRunning: false (it exits on a shutdown signal) is allowed in a Job', () => {
    const chart = Testing.chart();
    const job = new kplus.Job(chart, 'web');
    new LocalhostSidecars(chart, 'site', { workload: job, main: { ...nginx, longRunning: false }, sidecars: [fetcher] });
    expect(podSpec(synthKind(chart, 'Job')).containers).toHaveLength(2);
  });
});
