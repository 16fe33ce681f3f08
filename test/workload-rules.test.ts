// The rules of each workload kind, and the one check per workload seeing every change, made at
// any time: after construction, by other code, between two synths.
import { App, Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { LocalhostSidecarPod, LocalhostSidecars, SharedVolumePod, SharedVolumes } from '../src';
import { synthError } from './_helpers';
import { podSpec, synthKind } from './_workloads';

const writer = { name: 'writer', image: 'busybox:1.36', command: ['sh', '-c', 'date > /out/now'], sharedMounts: [{ path: '/out' }] };
const reader = { name: 'reader', image: 'busybox:1.36', command: ['cat', '/in/now'], sharedMounts: [{ path: '/in', readOnly: true }] };

describe('workload rules', () => {
  test.each([
    ['Deployment', (c: Chart) => new kplus.Deployment(c, 'web', { restartPolicy: kplus.RestartPolicy.NEVER }), 'Never'],
    ['StatefulSet', (c: Chart) => new kplus.StatefulSet(c, 'web', { restartPolicy: kplus.RestartPolicy.ON_FAILURE, containers: [{ name: 'db', image: 'db:1', portNumber: 5432 }] }), 'OnFailure'],
    ['DaemonSet', (c: Chart) => new kplus.DaemonSet(c, 'web', { restartPolicy: kplus.RestartPolicy.NEVER }), 'Never'],
  ] as const)('fails on a %s whose pod template restarts other than Always', (kind, build, policy) => {
    const chart = Testing.chart();
    new SharedVolumes(chart, 'files', { workload: build(chart), containers: [writer, reader] });
    expect(synthError(chart)).toContain(`[test/web] spec.template.spec.restartPolicy: a ${kind} keeps its Pods running, and the API server accepts only restartPolicy "Always" `
      + `in its pod template, received "${policy}". fix: leave restartPolicy unset (Always); for containers that run to completion, use a Job (rule workload-restart-policy)`);
  });

  test('fails on a Job whose pod template restarts Always', () => {
    const chart = Testing.chart();
    new SharedVolumes(chart, 'files', { workload: new kplus.Job(chart, 'web', { restartPolicy: kplus.RestartPolicy.ALWAYS }), containers: [writer, reader] });
    expect(synthError(chart)).toContain('[test/web] spec.template.spec.restartPolicy: a Job\'s Pods run to completion, and the API server refuses restartPolicy "Always" in its pod template, '
      + 'received "Always". fix: use RestartPolicy.NEVER (the default) or RestartPolicy.ON_FAILURE (rule workload-restart-policy)');
  });

  test('fails on a CronJob with a helper declared long-running as a regular container, naming the native-sidecar option', () => {
    const chart = Testing.chart();
    const cron = new kplus.CronJob(chart, 'web', { schedule: Cron.daily() });
    new SharedVolumes(chart, 'logs', {
      workload: cron,
      containers: [writer, { ...reader, name: 'shipper', command: ['tail', '-F', '/in/now'], longRunning: true }],
    });
    expect(synthError(chart)).toContain('[test/web] spec.jobTemplate.spec.template.spec.containers[1]: container "shipper" keeps running (it is declared `longRunning: true`), '
      + 'so the CronJob\'s Pod never completes: it completes only when every app container has exited. fix: make it a native sidecar with `nativeSidecar: true`');
  });

  test('fails on a StatefulSet whose ports were added after cdk8s-plus built its headless Service', () => {
    const chart = Testing.chart();
    const db = new kplus.StatefulSet(chart, 'web', { containers: [{ name: 'db', image: 'db:1', portNumber: 5432 }] });
    new LocalhostSidecars(chart, 'metrics', { workload: db, main: { name: 'exporter', image: 'exporter:1', portNumber: 9187 }, sidecars: [] });
    const error = synthError(chart);
    expect(error).toContain('[test/web] spec.template.spec.containers[1].ports[0]: container "exporter" declares port 9187/TCP, which the StatefulSet\'s headless Service');
    expect(error).toContain('fix: publish it with statefulSet.service.bind(9187), or give the StatefulSet a Service of your own (`service`) that lists its ports (rule statefulset-service-ports)');
    // The fix the message names works.
    db.service.bind(9187);
    expect(podSpec(synthKind(chart, 'StatefulSet')).containers).toHaveLength(2);
  });

  test('a StatefulSet with a Service of the user\'s own is left to the user', () => {
    const chart = Testing.chart();
    const service = new kplus.Service(chart, 'headless', { clusterIP: 'None', ports: [{ port: 5432 }] });
    const db = new kplus.StatefulSet(chart, 'web', { service, containers: [{ name: 'db', image: 'db:1', portNumber: 5432 }] });
    new LocalhostSidecars(chart, 'metrics', { workload: db, main: { name: 'exporter', image: 'exporter:1', portNumber: 9187 }, sidecars: [] });
    expect(podSpec(synthKind(chart, 'StatefulSet')).containers).toHaveLength(2);
  });
});

describe('the check sees every change', () => {
  test('containers added to the workload by other code, before and after the pattern', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web');
    web.addContainer({ name: 'writer', image: 'busybox:1.36' });
    new SharedVolumes(chart, 'files', { workload: web, containers: [writer, reader] });
    web.addInitContainer({ name: 'reader', image: 'busybox:1.36' });
    const error = synthError(chart);
    expect(error).toContain('[test/web] spec.template.spec.containers[1].name: container name "writer" is already used by spec.template.spec.containers[0]');
    expect(error).toContain('[test/web] spec.template.spec.initContainers[0].name: container name "reader" is already used by spec.template.spec.containers[2]');
  });

  test('a command array changed after a first synth is checked by the next synth', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'test');
    const command = ['sh', '-c', 'date > /out/now'];
    new SharedVolumePod(chart, 'pod', { containers: [{ ...writer, command }, reader] });
    app.synthYaml();
    command.push('line one\u2028line two');
    expect(() => app.synthYaml()).toThrow(/\[test\/pod\] spec\.containers\[0\]\.command\[3\]: container "writer" has the command string .* \(rule yaml-safe-strings\)/);
  });

  test('a port object changed after a first synth is checked by the next synth', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'test');
    const port: { number: number } = { number: 9090 };
    new LocalhostSidecarPod(chart, 'pod', { main: { image: 'nginx:1.27', portNumber: 8080 }, sidecars: [{ image: 'busybox:1.36', ports: [port] }] });
    app.synthYaml();
    port.number = 8080;
    expect(() => app.synthYaml()).toThrow(/spec\.containers\[1\]\.ports\[0\]\.containerPort: container "sidecar-0" declares port 8080\/TCP, which container "main"/);
  });

  test('an environment variable set again to a new value after a first synth is checked by the next', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const chart = new Chart(app, 'test');
    const pod = new SharedVolumePod(chart, 'pod', { containers: [writer, reader] });
    pod.containers[0].env.addVariable('BANNER', kplus.EnvValue.fromValue('ok'));
    app.synthYaml();
    pod.containers[0].env.addVariable('BANNER', kplus.EnvValue.fromValue('\n  indented'));
    expect(() => app.synthYaml()).toThrow(/spec\.containers\[0\]\.env\[0\]\.value: container "writer" sets the environment variable "BANNER"/);
  });
});
