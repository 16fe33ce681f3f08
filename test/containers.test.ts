import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IpcProducerConsumerPod, IpcReadiness, LocalhostSidecarPod, SharedVolumePod } from '../src';
import { container, synthError, synthPod } from './_helpers';

// What cdk8s-plus would throw on while building (no construct path, first problem only) is a
// synth-time validation error instead, reported with every other problem.
describe('containers the patterns add', () => {
  test('fails on one port declared twice in a container, instead of cdk8s-plus throwing while building', () => {
    const chart = Testing.chart();
    new LocalhostSidecarPod(chart, 'pod', {
      main: { image: 'nginx', portNumber: 80, ports: [{ number: 80 }, { number: 81, name: 'x' }, { number: 82, name: 'x' }] },
      sidecars: [{ image: 'curl' }],
    });
    const message = synthError(chart);
    expect(message).toContain('[test/pod] spec.containers[0].ports[1].containerPort: container "main" declares port 80/TCP twice. '
      + 'fix: declare each port of a container once (portNumber counts as one) (rule port-unique-in-pod)');
    expect(message).toContain('[test/pod] spec.containers[0].ports[3].name: container "main" declares the port name "x" twice');
  });

  test('keeps portNumber as the first port, with cdk8s-plus\'s startup probe', () => {
    const chart = Testing.chart();
    new LocalhostSidecarPod(chart, 'pod', { main: { image: 'nginx', portNumber: 80, ports: [{ number: 9090, name: 'metrics' }] }, sidecars: [{ image: 'curl' }] });
    const main = container(synthPod(chart), 'main');
    expect(main.ports).toEqual([{ containerPort: 80 }, { containerPort: 9090, name: 'metrics' }]);
    expect(main.startupProbe.tcpSocket.port).toBe(80);
  });

  test('fails on portNumber 0 (cdk8s-plus would drop it silently)', () => {
    const chart = Testing.chart();
    new SharedVolumePod(chart, 'pod', {
      containers: [{ name: 'a', image: 'x', portNumber: 0, sharedMounts: [{ path: '/d' }] }, { name: 'b', image: 'x', sharedMounts: [{ path: '/d' }] }],
    });
    expect(synthError(chart)).toContain('[test/pod] spec.containers[0].ports[0].containerPort: container "a" declares port 0, ports must be whole numbers from 1 to 65535');
  });

  test('init containers: portNumber renders a plain port, no startup probe the API server would refuse', () => {
    const chart = Testing.chart();
    new IpcProducerConsumerPod(chart, 'pod', {
      producer: { image: 'p', command: ['p'] },
      consumer: { image: 'c', command: ['c'] },
      readiness: IpcReadiness.none(),
      initContainers: [{ name: 'setup', image: 'busybox', portNumber: 8080 }],
    });
    const init = container(synthPod(chart), 'setup');
    expect(init.ports).toEqual([{ containerPort: 8080 }]);
    expect(init.startupProbe).toBeUndefined();
  });

  test('fails on a probe on an init container, instead of cdk8s-plus throwing while building', () => {
    const chart = Testing.chart();
    new IpcProducerConsumerPod(chart, 'pod', {
      producer: { image: 'p', command: ['p'] },
      consumer: { image: 'c', command: ['c'] },
      readiness: IpcReadiness.none(),
      initContainers: [{ name: 'setup', image: 'busybox', readiness: kplus.Probe.fromCommand(['true']) }],
    });
    expect(synthError(chart)).toContain('[test/pod] initContainers[0].readiness: init container "setup" has a readiness probe; init containers run to completion and take no probes. '
      + 'fix: remove the readiness probe, or make it an app container or a native sidecar (`nativeSidecar: true` on a pattern\'s helper) (rule init-container-probes)');
  });

  test('fails on a shared volume declared twice, instead of cdk8s-plus throwing while building', () => {
    const chart = Testing.chart();
    new SharedVolumePod(chart, 'pod', {
      volumes: [{ name: 'data' }, { name: 'data' }],
      containers: [{ name: 'a', image: 'x', sharedMounts: [{ volume: 'data', path: '/d' }] }, { name: 'b', image: 'x', sharedMounts: [{ volume: 'data', path: '/d' }] }],
    });
    expect(synthError(chart)).toContain('[test/pod] volumes[1].name: volume name "data" is declared twice. fix: give each shared volume its own name (rule volume-name-unique)');
  });

  test('fails on a shared volume name cdk8s-plus would cut to 63 characters, once', () => {
    const chart = Testing.chart();
    const long = 'v'.repeat(64);
    new SharedVolumePod(chart, 'pod', {
      volumes: [{ name: long }],
      containers: [{ name: 'a', image: 'x', sharedMounts: [{ path: '/d' }] }, { name: 'b', image: 'x', sharedMounts: [{ path: '/d' }] }],
    });
    const message = synthError(chart);
    expect(message).toContain(`[test/pod] volumes[0].name: volume name "${long}" is 64 characters long, at most 63 are allowed`);
    expect(message.split('\n').filter(l => l.startsWith('  ['))).toHaveLength(1);
  });

  test('a volume mounted twice by one container is not shared', () => {
    const chart = Testing.chart();
    new SharedVolumePod(chart, 'pod', {
      containers: [{ name: 'a', image: 'x', sharedMounts: [{ path: '/d' }, { path: '/e' }] }, { name: 'b', image: 'x' }],
    });
    expect(synthError(chart)).toContain('a shared volume must be mounted by at least 2 containers, only "a" mounts it');
  });

  test('fails on an init container with both port and portNumber, naming an unnamed one as rendered (init-0)', () => {
    const chart = Testing.chart();
    new IpcProducerConsumerPod(chart, 'pod', {
      producer: { image: 'p', command: ['p'] },
      consumer: { image: 'c', command: ['c'] },
      readiness: IpcReadiness.none(),
      initContainers: [{ image: 'busybox', port: 8080, portNumber: 8081, startup: kplus.Probe.fromCommand(['true']) }],
    });
    const message = synthError(chart);
    expect(message).toContain('[test/pod] initContainers[0].port: container "init-0" sets both the deprecated port (8080) and portNumber (8081). fix: set portNumber only');
    expect(message).toContain('[test/pod] initContainers[0].startup: init container "init-0" has a startup probe');
  });

  test('shared-volume-shared names the declared index of the volume, after a volume left out', () => {
    const chart = Testing.chart();
    new SharedVolumePod(chart, 'pod', {
      volumes: [{ name: '' }, { name: 'data' }],
      containers: [{ name: 'a', image: 'x', sharedMounts: [{ volume: 'data', path: '/d' }] }, { name: 'b', image: 'x' }],
    });
    expect(synthError(chart)).toContain('[test/pod] volumes[1] (volume "data"): a shared volume must be mounted by at least 2 containers, only "a" mounts it');
  });

  test('a volume mounted by two containers of one name is shared (the name clash is the only error)', () => {
    const chart = Testing.chart();
    new SharedVolumePod(chart, 'pod', {
      containers: [{ name: 'a', image: 'x', sharedMounts: [{ path: '/d' }] }, { name: 'a', image: 'x', sharedMounts: [{ path: '/d' }] }],
    });
    const message = synthError(chart);
    expect(message).toContain('(rule container-name-unique)');
    expect(message).not.toContain('(rule shared-volume-shared)');
  });
});
