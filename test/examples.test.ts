import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { container } from './_helpers';
import { buildExamples } from '../examples/main';

// Every example chart, as `npx cdk8s synth` writes it: a snapshot each, and what it promises.
const app = buildExamples(Testing.app());
const pods: Record<string, any> = Object.fromEntries(app.charts.map((chart: Chart) => {
  const [pod] = Testing.synth(chart);
  return [chart.node.id, pod];
}));

test('the examples are the six source Pods plus the unordered IPC variant, each Pod named as its chart', () => {
  expect(Object.keys(pods).sort()).toEqual(['localhost-sidecar', 'mc1', 'mc2', 'mc2-unordered', 'shm-ipc', 'two-containers', 'writer-reader']);
  for (const [name, pod] of Object.entries(pods)) {
    expect(pod.kind).toBe('Pod');
    expect(pod.metadata.name).toBe(name);
  }
});

test.each(Object.keys(pods))('%s snapshot', (name) => {
  expect(pods[name]).toMatchSnapshot();
});

describe('root and writable filesystem only where the image needs them', () => {
  test.each(Object.entries(pods))('%s', (_name, pod) => {
    for (const c of pod.spec.containers) {
      const sc = c.securityContext;
      expect(sc.allowPrivilegeEscalation).toBe(false);
      expect(sc.privileged).toBe(false);
      if (c.image.startsWith('nginx:')) {
        expect(sc).toMatchObject({ runAsNonRoot: false, readOnlyRootFilesystem: false });
        expect(pod.spec.securityContext.runAsNonRoot).toBe(false);
      } else {
        // Every other image runs as root by default: the example names a non-root uid so a kubelet starts it.
        expect(sc).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
        expect(sc.runAsUser).toBeGreaterThan(0);
      }
    }
  });
});

test('mc1: nginx serves the html volume the debian container appends the date to every second', () => {
  const pod = pods.mc1;
  expect(pod.spec.volumes).toEqual([{ name: 'html', emptyDir: {} }]);
  expect(container(pod, '1st')).toMatchObject({ image: 'nginx:1.27', volumeMounts: [{ name: 'html', mountPath: '/usr/share/nginx/html' }] });
  expect(container(pod, '2nd')).toMatchObject({
    image: 'debian:bookworm-slim',
    command: ['/bin/sh', '-c'],
    args: ['while true; do date >> /html/index.html; sleep 1; done'],
    volumeMounts: [{ name: 'html', mountPath: '/html' }],
  });
});

test('two-containers: the Kubernetes docs Pod', () => {
  const pod = pods['two-containers'];
  expect(pod.spec.restartPolicy).toBe('Never');
  expect(pod.spec.volumes).toEqual([{ name: 'shared-data', emptyDir: {} }]);
  expect(container(pod, 'nginx-container').volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/usr/share/nginx/html' }]);
  expect(container(pod, 'debian-container').volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/pod-data' }]);
  expect(container(pod, 'debian-container').args.join(' ')).toContain('echo Hello from the debian container > /pod-data/index.html');
});

test('writer-reader: the reader mounts read-only and waits for message.txt', () => {
  const pod = pods['writer-reader'];
  expect(pod.spec.restartPolicy).toBe('Never');
  expect(container(pod, 'writer').volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/usr/share/data' }]);
  expect(container(pod, 'reader').volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/usr/share/data', readOnly: true }]);
  expect(container(pod, 'reader').args[0]).toContain('until [ -f /usr/share/data/message.txt ]');
});

test('mc2: ch6_ipc producer first, consumer waits for /dev/mqueue/ch6_ipc; mc2-unordered does not wait', () => {
  const pod = pods.mc2;
  expect(pod.spec.restartPolicy).toBe('Never');
  expect(pod.spec.containers.map((c: any) => c.name)).toEqual(['producer', 'consumer']);
  expect(container(pod, 'producer').command).toEqual(['./ipc', '-producer']);
  const consumer = container(pod, 'consumer').command;
  // The library's fixed wait script, given the condition as data, then the consumer's own command.
  expect(consumer.slice(3, 5)).toEqual(['wait-for-producer', "[ -e '/dev/mqueue/ch6_ipc' ]"]);
  expect(consumer.slice(-2)).toEqual(['./ipc', '-consumer']);
  expect(container(pods['mc2-unordered'], 'consumer').command).toEqual(['./ipc', '-consumer']);
});

test('shm-ipc: a memory-backed /dev/shm in both containers, the reader waits for /dev/shm/OS', () => {
  const pod = pods['shm-ipc'];
  expect(pod.spec.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }]);
  for (const name of ['writer', 'reader']) {
    expect(container(pod, name).volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
  }
  expect(container(pod, 'reader').command[4]).toBe("[ -e '/dev/shm/OS' ]");
  expect(container(pod, 'writer').command[2]).toContain('os.rename("/dev/shm/OS.tmp", "/dev/shm/OS")');
});

test('localhost-sidecar: nginx on 80, the fetcher reaches it at MAIN_URL', () => {
  const pod = pods['localhost-sidecar'];
  expect(container(pod, 'nginx').ports).toEqual([{ containerPort: 80 }]);
  const fetcher = container(pod, 'fetcher');
  expect(fetcher.ports).toBeUndefined();
  expect(fetcher.env).toContainEqual({ name: 'MAIN_URL', value: 'http://localhost:80' });
  expect(fetcher.args[0]).toContain('curl -sS -w "\\nHTTP %{http_code}\\n" "$MAIN_URL"');
  expect(fetcher.securityContext).toMatchObject({ runAsUser: 100, runAsNonRoot: true });
});

test('the examples app synthesizes without validation errors', () => {
  expect(() => buildExamples(new App({ outdir: mkdtempSync(join(tmpdir(), 'ex-')) })).synth()).not.toThrow();
});
