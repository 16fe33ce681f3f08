import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { LocalhostSidecarPod } from '../src';
import { container, synthError, synthPod } from './_helpers';

const web = { image: 'nginx:1.27', portNumber: 8080 };
const fetcher = { image: 'curlimages/curl:8.11.1', command: ['sh', '-c', 'curl -sS "$MAIN_URL"'] };

describe('LocalhostSidecarPod', () => {
  test('defaults', () => {
    const chart = Testing.chart();
    const lsp = new LocalhostSidecarPod(chart, 'pod', { main: web, sidecars: [fetcher] });
    const pod = synthPod(chart);
    expect(pod).toMatchSnapshot();
    expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['main', 'sidecar-0']);
    expect(container(pod, 'main').ports).toEqual([{ containerPort: 8080 }]);
    expect(container(pod, 'sidecar-0').ports).toBeUndefined();
    expect(container(pod, 'sidecar-0').env).toEqual([
      { name: 'MAIN_HOST', value: 'localhost' },
      { name: 'MAIN_PORT', value: '8080' },
      { name: 'MAIN_URL', value: 'http://localhost:8080' },
    ]);
    expect(pod.spec.restartPolicy).toBe('Always');
    expect(lsp.port).toBe(8080);
    expect(lsp.localhostAddress).toBe('localhost:8080');
    expect(lsp.localhostUrl).toBe('http://localhost:8080');
    expect(lsp.main.name).toBe('main');
    expect(lsp.sidecars.map(s => s.name)).toEqual(['sidecar-0']);
  });

  test('the first of several ports is the address; the sidecar\'s own variables win', () => {
    const chart = Testing.chart();
    const lsp = new LocalhostSidecarPod(chart, 'pod', {
      main: { name: 'api', image: 'api', ports: [{ number: 9000, name: 'grpc' }, { number: 9090, name: 'metrics' }] },
      sidecars: [
        { name: 'probe', image: 'curl', envVariables: { MAIN_URL: kplus.EnvValue.fromValue('http://localhost:9090/metrics') } },
        { name: 'other', image: 'curl' },
      ],
    });
    const pod = synthPod(chart);
    expect(lsp.port).toBe(9000);
    expect(container(pod, 'probe').env).toContainEqual({ name: 'MAIN_URL', value: 'http://localhost:9090/metrics' });
    expect(container(pod, 'other').env).toContainEqual({ name: 'MAIN_URL', value: 'http://localhost:9000' });
  });

  test('a variable added to one sidecar stays in that sidecar (Pods on one port share only immutable values)', () => {
    const chart = Testing.chart();
    const first = new LocalhostSidecarPod(chart, 'first', { main: web, sidecars: [fetcher, fetcher] });
    new LocalhostSidecarPod(chart, 'second', { main: web, sidecars: [fetcher] });
    first.sidecars[0].env.addVariable('EXTRA', kplus.EnvValue.fromValue('1'));
    const [a, b] = Testing.synth(chart);
    expect(a.spec.containers[1].env.map((e: any) => e.name)).toEqual(['MAIN_HOST', 'MAIN_PORT', 'MAIN_URL', 'EXTRA']);
    expect(a.spec.containers[2].env.map((e: any) => e.name)).toEqual(['MAIN_HOST', 'MAIN_PORT', 'MAIN_URL']);
    expect(b.spec.containers[1].env).toEqual([
      { name: 'MAIN_HOST', value: 'localhost' },
      { name: 'MAIN_PORT', value: '8080' },
      { name: 'MAIN_URL', value: 'http://localhost:8080' },
    ]);
  });

  test('exposeMainAddress: false leaves the sidecars\' environment alone', () => {
    const chart = Testing.chart();
    new LocalhostSidecarPod(chart, 'pod', { main: web, sidecars: [fetcher], exposeMainAddress: false });
    expect(container(synthPod(chart), 'sidecar-0').env).toBeUndefined();
  });

  test('keeps the TCP startup probe cdk8s-plus adds for the main port', () => {
    const chart = Testing.chart();
    new LocalhostSidecarPod(chart, 'pod', { main: web, sidecars: [fetcher] });
    expect(container(synthPod(chart), 'main').startupProbe.tcpSocket).toEqual({ port: 8080 });
  });

  describe('fails at synth', () => {
    test('fails when a sidecar declares the main container\'s port', () => {
      const chart = Testing.chart();
      new LocalhostSidecarPod(chart, 'pod', { main: web, sidecars: [{ ...fetcher, name: 'proxy', portNumber: 8080 }] });
      expect(synthError(chart)).toContain('[test/pod] spec.containers[1].ports[0].containerPort: container "proxy" declares port 8080/TCP, which container "main" (spec.containers[0].ports[0]) already declares; '
        + 'all containers of a Pod share one network namespace, so only one of them can bind it');
    });

    test('accepts the same port number over UDP', () => {
      const chart = Testing.chart();
      new LocalhostSidecarPod(chart, 'pod', { main: web, sidecars: [{ ...fetcher, ports: [{ number: 8080, protocol: kplus.Protocol.UDP }] }] });
      expect(() => synthPod(chart)).not.toThrow();
    });

    test('fails when the main container declares no port', () => {
      const chart = Testing.chart();
      new LocalhostSidecarPod(chart, 'pod', { main: { image: 'nginx' }, sidecars: [fetcher] });
      expect(synthError(chart)).toContain('[test/pod] main.ports: the main container "main" declares no port, so sidecars have no localhost address to reach it on. '
        + 'fix: set main.portNumber (or main.ports) to the port it listens on (rule localhost-main-port)');
    });

    test('fails without sidecars', () => {
      const chart = Testing.chart();
      new LocalhostSidecarPod(chart, 'pod', { main: web, sidecars: [] });
      expect(synthError(chart)).toContain('[test/pod] spec.containers: a LocalhostSidecarPod needs at least 2 containers, received 1. fix: add at least one container to `sidecars`');
    });

    test('fails when two sidecars share a name', () => {
      const chart = Testing.chart();
      new LocalhostSidecarPod(chart, 'pod', { main: web, sidecars: [{ ...fetcher, name: 'main' }] });
      expect(synthError(chart)).toContain('[test/pod] spec.containers[1].name: container name "main" is already used by spec.containers[0]');
    });
  });
});
