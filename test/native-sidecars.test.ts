// Native sidecars (init containers with restartPolicy: Always, Kubernetes >= 1.29): rendered on
// every workload kind despite cdk8s-plus-27's 1.27 API, opt-in only, and checked as containers
// that run beside the app containers.
import { Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { HelperContainer, IpcProducerConsumer, IpcProducerConsumerPod, IpcReadiness, LocalhostSidecars, SharedVolumePod, SharedVolumes, StartupGate } from '../src';
import { synthError } from './_helpers';
import { KINDS, podSpec, synthKind } from './_workloads';
import { checkPodSpec } from '../src/_pod-rules';

const app = { name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'cat /config/app.conf'], sharedMounts: [{ path: '/config', readOnly: true }] };
const configWriter = {
  name: 'config-writer',
  image: 'busybox:1.36',
  command: ['sh', '-c', 'echo ready=1 > /config/app.conf && exec sleep 3600'],
  sharedMounts: [{ path: '/config' }],
  nativeSidecar: true,
  // The app containers start only once this passes.
  startup: kplus.Probe.fromCommand(['test', '-s', '/config/app.conf']),
};

describe.each(KINDS.map(k => [k.kind, k] as const))('a native sidecar on a %s', (kind, k) => {
  test('is an init container with restartPolicy Always and its startup probe, in the rendered YAML', () => {
    const chart = Testing.chart();
    new SharedVolumes(chart, 'config', { workload: k.build(chart), containers: [app, configWriter] });
    const obj = synthKind(chart, kind);
    expect(obj).toMatchSnapshot();
    const spec = podSpec(obj);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['app']);
    expect(spec.initContainers).toHaveLength(1);
    const sidecar = spec.initContainers[0];
    expect(sidecar.name).toBe('config-writer');
    expect(sidecar.restartPolicy).toBe('Always');
    expect(sidecar.startupProbe).toEqual({ exec: { command: ['test', '-s', '/config/app.conf'] }, failureThreshold: 3 });
    expect(sidecar.volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/config' }]);
    expect(sidecar.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    // cdk8s writes keys sorted: the added ones are in their place.
    expect(Object.keys(sidecar)).toEqual([...Object.keys(sidecar)].sort());
  });
});

describe('native sidecars', () => {
  test('a Job with a long-running helper as a native sidecar synthesizes; as a regular container it fails, naming the option', () => {
    const shipper = { name: 'shipper', image: 'busybox:1.36', command: ['tail', '-F', '/logs/run.log'], sharedMounts: [{ path: '/logs', readOnly: true }], longRunning: true };
    const work = { name: 'work', image: 'busybox:1.36', command: ['sh', '-c', 'date > /logs/run.log'], sharedMounts: [{ path: '/logs' }] };

    const native = Testing.chart();
    new SharedVolumes(native, 'logs', { workload: new kplus.Job(native, 'web'), containers: [work, { ...shipper, nativeSidecar: true }] });
    const spec = podSpec(synthKind(native, 'Job'));
    expect(spec.initContainers[0]).toMatchObject({ name: 'shipper', restartPolicy: 'Always' });
    expect(spec.containers.map((c: any) => c.name)).toEqual(['work']);

    const regular = Testing.chart();
    new SharedVolumes(regular, 'logs', { workload: new kplus.Job(regular, 'web'), containers: [work, shipper] });
    expect(synthError(regular)).toContain('spec.template.spec.containers[1]: container "shipper" keeps running (it is declared `longRunning: true`), so the Job\'s Pod never completes: '
      + 'it completes only when every app container has exited. fix: make it a native sidecar with `nativeSidecar: true` (Kubernetes >= 1.29; the kubelet stops it once the app containers exit), '
      + 'or have it exit on a shutdown signal from the main container (e.g. a file in a shared volume) and declare `longRunning: false` (rule job-long-running-helper)');
  });

  test('without the opt-in, no synthesized container has a restartPolicy', () => {
    for (const k of KINDS) {
      const chart = Testing.chart();
      const workload = k.build(chart);
      new SharedVolumes(chart, 'files', { workload, containers: [{ ...app, nativeSidecar: undefined }, { ...configWriter, nativeSidecar: undefined, startup: undefined }] });
      new IpcProducerConsumer(chart, 'ipc', { workload, readiness: IpcReadiness.posixMessageQueue('/q'), producer: { name: 'p', image: 'p:1', command: ['p'] }, consumer: { name: 'c', image: 'c:1', command: ['c'] } });
      if (k.kind !== 'Job' && k.kind !== 'CronJob') {
        new LocalhostSidecars(chart, 'site', { workload, main: { name: 'nginx', image: 'nginx:1.27', portNumber: 80 }, sidecars: [{ name: 'probe', image: 'curl:1' }] });
      }
      const spec = podSpec(synthKind(chart, k.kind));
      for (const c of [...spec.containers, ...spec.initContainers ?? []]) expect(c.restartPolicy).toBeUndefined();
    }
  });

  test('take readiness and liveness probes and lifecycle hooks; a portNumber gets a TCP startup probe (the app starts once it listens)', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web');
    const site = new LocalhostSidecars(chart, 'site', {
      workload: web,
      main: {
        name: 'proxy',
        image: 'envoy:1',
        portNumber: 9901,
        nativeSidecar: true,
        readiness: kplus.Probe.fromHttpGet('/ready', { port: 9901 }),
        liveness: kplus.Probe.fromTcpSocket({ port: 9901 }),
        lifecycle: { preStop: kplus.Handler.fromCommand(['sleep', '5']) },
      },
      sidecars: [{ name: 'app', image: 'app:1', command: ['app'] }],
    });
    const spec = podSpec(synthKind(chart, 'Deployment'));
    expect(spec.initContainers[0]).toMatchObject({
      name: 'proxy',
      restartPolicy: 'Always',
      ports: [{ containerPort: 9901 }],
      startupProbe: { tcpSocket: { port: 9901 }, failureThreshold: 3 },
      readinessProbe: { httpGet: { path: '/ready', port: 9901, scheme: 'HTTP' }, failureThreshold: 3 },
      livenessProbe: { tcpSocket: { port: 9901 }, failureThreshold: 3 },
      lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
    });
    expect(spec.containers[0].env).toContainEqual({ name: 'MAIN_URL', value: 'http://localhost:9901' });
    expect(site.main.name).toBe('proxy');
  });

  test('start after the Pod\'s own init containers, in the order added', () => {
    const chart = Testing.chart();
    new SharedVolumePod(chart, 'pod', {
      initContainers: [{ name: 'seed', image: 'busybox:1.36', command: ['true'] }],
      containers: [app, configWriter, { ...configWriter, name: 'second', startup: undefined, sharedMounts: [{ path: '/c2' }] }],
    });
    const pod = synthKind(chart, 'Pod');
    expect(pod.spec.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['seed', undefined], ['config-writer', 'Always'], ['second', 'Always']]);
  });

  test('fails when a native sidecar declares a port an app container declares: they run together', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web');
    new LocalhostSidecars(chart, 'site', {
      workload: web,
      main: { name: 'app', image: 'app:1', portNumber: 8080 },
      sidecars: [{ name: 'proxy', image: 'envoy:1', portNumber: 8080, nativeSidecar: true }],
    });
    expect(synthError(chart)).toContain('[test/web] spec.template.spec.initContainers[0].ports[0].containerPort: container "proxy" declares port 8080/TCP, '
      + 'which container "app" (spec.template.spec.containers[0].ports[0]) already declares');
  });

  test('fails on a native sidecar declared longRunning: false: the kubelet would restart it again and again', () => {
    const chart = Testing.chart();
    new SharedVolumes(chart, 'config', { workload: new kplus.Job(chart, 'web'), containers: [app, { ...configWriter, longRunning: false }] });
    expect(synthError(chart)).toContain('[test/config] containers[1].longRunning: container "config-writer" is a native sidecar declared `longRunning: false`; '
      + 'the kubelet restarts a native sidecar whenever it exits, so a helper that exits when done would run again and again. '
      + 'fix: make it a regular container (drop nativeSidecar), or an init container of the Pod if it must finish before the app starts (rule native-sidecar-exits)');
  });

  test('fails on a restartPolicy given to a pattern container through a cast (cdk8s-plus-27 would drop it)', () => {
    const chart = Testing.chart();
    new SharedVolumes(chart, 'config', { workload: new kplus.Job(chart, 'web'), containers: [app, { ...configWriter, nativeSidecar: undefined, restartPolicy: 'Always' } as any] });
    expect(synthError(chart)).toContain('[test/config] containers[1].restartPolicy: cdk8s-plus-27 has no container restartPolicy and would drop it from the YAML, received "Always". '
      + 'fix: for a native sidecar (an init container with restartPolicy "Always", Kubernetes >= 1.29) set `nativeSidecar: true`; otherwise remove it (rule native-sidecar-restart-policy)');
  });

  test('fails on an init container added later through cdk8s-plus with portNumber: cdk8s-plus gives it a startup probe', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web');
    new SharedVolumes(chart, 'content', { workload: deployment, containers: [app, { ...configWriter, nativeSidecar: undefined, startup: undefined }] });
    deployment.addInitContainer({ name: 'migrate', image: 'migrate:1', portNumber: 8080 });
    expect(synthError(chart)).toContain('[test/web] spec.template.spec.initContainers[0].startupProbe: init container "migrate" declares portNumber 8080, '
      + 'for which cdk8s-plus adds a TCP startup probe; an init container takes no probes unless it is a native sidecar. '
      + 'fix: declare the port as ports: [{ number: 8080 }] instead of portNumber, or make it a native sidecar (rule init-container-probes)');
  });

  test('a pattern Pod\'s addInitContainer takes portNumber as a plain port, without the probe init containers cannot have', () => {
    const chart = Testing.chart();
    const pod = new SharedVolumePod(chart, 'pod', { containers: [app, { ...configWriter, nativeSidecar: undefined, startup: undefined }] });
    pod.addInitContainer({ name: 'migrate', image: 'migrate:1', portNumber: 8080 });
    const init = podSpec(synthKind(chart, 'Pod')).initContainers[0];
    expect(init).toMatchObject({ name: 'migrate', ports: [{ containerPort: 8080 }] });
    expect(init.startupProbe).toBeUndefined();
  });
});

describe('HelperContainer: a plain helper on any workload', () => {
  test('a native-sidecar proxy on a Job holds the app back until it listens, and does not keep the Job from completing', () => {
    const chart = Testing.chart();
    const job = new kplus.Job(chart, 'web', { containers: [{ name: 'work', image: 'app:1', command: ['work'] }] });
    const proxy = new HelperContainer(chart, 'proxy', { workload: job, name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', portNumber: 9901, nativeSidecar: true });
    const spec = podSpec(synthKind(chart, 'Job'));
    expect(spec.initContainers).toEqual([expect.objectContaining({ name: 'proxy', restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 9901 }, failureThreshold: 3 } })]);
    expect(spec.initContainers[0].securityContext).toMatchObject({ capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(proxy.container.name).toBe('proxy');
  });

  test('fails as a regular container in a Job, and is checked with the workload\'s containers', () => {
    const chart = Testing.chart();
    const job = new kplus.Job(chart, 'web', { containers: [{ name: 'work', image: 'app:1', command: ['work'], portNumber: 9901 }] });
    new HelperContainer(chart, 'proxy', { workload: job, image: 'envoyproxy/envoy:v1.31.0', portNumber: 9901 });
    const error = synthError(chart);
    expect(error).toContain('[test/web] spec.template.spec.containers[1].ports[0].containerPort: container "helper" declares port 9901/TCP, which container "work"');
    expect(error).toContain('[test/web] spec.template.spec.containers[1]: container "helper" keeps running (it declares port 9901, so it is taken for a server)');
  });

  test('fails with the construct path and the field when a JavaScript caller leaves out the workload', () => {
    const chart = Testing.chart();
    expect(() => new HelperContainer(chart, 'proxy', { image: 'envoyproxy/envoy:v1.31.0' } as any))
      .toThrow('[test/proxy] workload: a cdk8s-plus workload (a kplus.Pod, Deployment, StatefulSet, DaemonSet, Job or CronJob) is required, received undefined');
  });
});

describe('StartupGate.NATIVE_SIDECAR', () => {
  const queue = IpcReadiness.posixMessageQueue('/jobs', { timeout: Duration.seconds(30), pollInterval: Duration.seconds(2) });

  test('makes a long-running producer a native sidecar whose startup probe is the readiness condition; the consumer is left alone', () => {
    const chart = Testing.chart();
    new IpcProducerConsumerPod(chart, 'pod', {
      readiness: queue,
      startupGate: StartupGate.NATIVE_SIDECAR,
      restartPolicy: kplus.RestartPolicy.ALWAYS,
      producer: { name: 'broker', image: 'broker:1', command: ['broker'], longRunning: true },
      consumer: { name: 'worker', image: 'worker:1', command: ['worker'] },
    });
    const pod = synthKind(chart, 'Pod');
    expect(pod).toMatchSnapshot();
    expect(pod.spec.initContainers[0]).toMatchObject({
      name: 'broker',
      restartPolicy: 'Always',
      startupProbe: { exec: { command: ['/bin/sh', '-c', queue.condition] }, periodSeconds: 2, failureThreshold: 15 },
    });
    expect(pod.spec.containers.map((c: any) => [c.name, c.command])).toEqual([['worker', ['worker']]]);
  });

  test('fails for a producer not declared to keep running: the kubelet restarts a sidecar that exits', () => {
    const chart = Testing.chart();
    new IpcProducerConsumerPod(chart, 'pod', {
      readiness: IpcReadiness.posixMessageQueue('/ch6_ipc'),
      startupGate: StartupGate.NATIVE_SIDECAR,
      producer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-producer'] },
      consumer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-consumer'] },
    });
    expect(synthError(chart)).toContain('[test/pod] producer.longRunning: startupGate NATIVE_SIDECAR makes the producer a native sidecar, which the kubelet restarts whenever it exits, '
      + 'and the producer is not declared to keep running, received undefined; a producer that sends its messages and exits (like ch6_ipc) would start again and send them again. '
      + 'fix: for a producer that exits when done, use StartupGate.CONSUMER_WAITS (the default)');
  });
});

describe('native-sidecar rules on a raw pod spec (manifests this library did not write)', () => {
  test('restartPolicy only Always and only on init containers; probes on init containers only when they are sidecars; sidecar ports join the port space', () => {
    const violations = checkPodSpec({
      containers: [{ name: 'app', image: 'app:1', restartPolicy: 'Always', ports: [{ containerPort: 8080 }] }],
      initContainers: [
        { name: 'once', image: 'x:1', restartPolicy: 'OnFailure' },
        { name: 'probed', image: 'x:1', readinessProbe: {} },
        { name: 'proxy', image: 'envoy:1', restartPolicy: 'Always', startupProbe: {}, ports: [{ containerPort: 8080 }] },
      ],
    }, undefined, 'spec.template.spec');
    expect(violations.map(v => [v.rule, v.field])).toEqual([
      ['native-sidecar-restart-policy', 'spec.template.spec.containers[0].restartPolicy'],
      ['native-sidecar-restart-policy', 'spec.template.spec.initContainers[0].restartPolicy'],
      ['init-container-probes', 'spec.template.spec.initContainers[1].readinessProbe'],
      ['port-unique-in-pod', 'spec.template.spec.initContainers[2].ports[0].containerPort'],
    ]);
  });
});
