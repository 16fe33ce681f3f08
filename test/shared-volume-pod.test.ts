import { Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { SharedVolumePod } from '../src';
import { container, synthError, synthPod } from './_helpers';

const writer = { name: 'writer', image: 'busybox:1.36', command: ['sh', '-c', 'date > /out/now'], sharedMounts: [{ path: '/out' }] };
const reader = { name: 'reader', image: 'busybox:1.36', command: ['cat', '/in/now'], sharedMounts: [{ path: '/in', readOnly: true }] };

describe('SharedVolumePod', () => {
  test('defaults', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new SharedVolumePod(chart, 'pod', { containers: [writer, reader] });
    // THEN
    const pod = synthPod(chart);
    expect(pod).toMatchSnapshot();
    expect(pod.spec.volumes).toEqual([{ name: 'shared-data', emptyDir: {} }]);
    expect(container(pod, 'writer').volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/out' }]);
    expect(container(pod, 'reader').volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/in', readOnly: true }]);
    expect(pod.spec.restartPolicy).toBe('Always');
  });

  test('keeps cdk8s-plus secure defaults on every container and the pod, and adds Pod Security "restricted"', () => {
    const chart = Testing.chart();
    new SharedVolumePod(chart, 'pod', { containers: [writer, reader] });
    const pod = synthPod(chart);
    expect(pod.spec.securityContext.runAsNonRoot).toBe(true);
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    for (const c of pod.spec.containers) {
      expect(c.securityContext).toEqual({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      // Sized for helpers, not cdk8s-plus's 1 CPU / 512Mi per container; Kubernetes' pull policy for a tagged image.
      expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } });
      expect(c.imagePullPolicy).toBe('IfNotPresent');
    }
  });

  test('a memory-backed volume with a size limit', () => {
    const chart = Testing.chart();
    new SharedVolumePod(chart, 'pod', {
      volumes: [{ name: 'scratch', medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(256) }],
      containers: [writer, reader],
    });
    expect(synthPod(chart).spec.volumes).toEqual([{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } }]);
  });

  test('several volumes, each mounted where asked, with subPath', () => {
    const chart = Testing.chart();
    const svp = new SharedVolumePod(chart, 'pod', {
      volumes: [{ name: 'html' }, { name: 'logs' }],
      containers: [
        { name: 'web', image: 'nginx', sharedMounts: [{ volume: 'html', path: '/usr/share/nginx/html' }, { volume: 'logs', path: '/var/log/nginx' }] },
        { name: 'gen', image: 'busybox', sharedMounts: [{ volume: 'html', path: '/html', subPath: 'site' }] },
        { name: 'ship', image: 'busybox', sharedMounts: [{ volume: 'logs', path: '/logs', readOnly: true }] },
      ],
    });
    const pod = synthPod(chart);
    expect(pod.spec.volumes.map((v: any) => v.name)).toEqual(['html', 'logs']);
    expect(container(pod, 'web').volumeMounts).toEqual([
      { name: 'html', mountPath: '/usr/share/nginx/html' },
      { name: 'logs', mountPath: '/var/log/nginx' },
    ]);
    expect(container(pod, 'gen').volumeMounts).toEqual([{ name: 'html', mountPath: '/html', subPath: 'site' }]);
    expect(container(pod, 'ship').volumeMounts).toEqual([{ name: 'logs', mountPath: '/logs', readOnly: true }]);
    expect(svp.findVolume('logs')?.name).toBe('logs');
    expect(svp.findContainer('ship')?.image).toBe('busybox');
  });

  test('names unnamed containers container-0, container-1, ...', () => {
    const chart = Testing.chart();
    new SharedVolumePod(chart, 'pod', { containers: [{ ...writer, name: undefined }, { ...reader, name: undefined }] });
    expect(synthPod(chart).spec.containers.map((c: any) => c.name)).toEqual(['container-0', 'container-1']);
  });

  test('passes pod options through to the pod', () => {
    const chart = Testing.chart();
    new SharedVolumePod(chart, 'pod', {
      metadata: { name: 'files', labels: { app: 'files' } },
      restartPolicy: kplus.RestartPolicy.NEVER,
      securityContext: { ensureNonRoot: false },
      initContainers: [{ name: 'seed', image: 'busybox', command: ['true'] }],
      containers: [writer, reader],
    });
    const pod = synthPod(chart);
    expect(pod.metadata.name).toBe('files');
    expect(pod.metadata.labels.app).toBe('files');
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.securityContext.runAsNonRoot).toBe(false);
    expect(pod.spec.initContainers.map((c: any) => c.name)).toEqual(['seed']);
  });

  test('sees containers added later through pod', () => {
    const chart = Testing.chart();
    const svp = new SharedVolumePod(chart, 'pod', { containers: [writer, reader] });
    svp.pod.addContainer({ name: 'reader', image: 'busybox' });
    expect(synthError(chart)).toContain('[test/pod] spec.containers[2].name: container name "reader" is already used by spec.containers[1]');
  });

  describe('fails at synth', () => {
    test('fails with fewer than two containers', () => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', { containers: [writer] });
      const message = synthError(chart);
      expect(message).toContain('[test/pod] spec.containers: a SharedVolumePod needs at least 2 containers, received 1. '
        + 'fix: add the containers that share the volume (a writer and a reader at least) (rule container-count)');
    });

    test('fails on duplicate container names (cdk8s-plus names unnamed containers "main")', () => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', {
        initContainers: [{ name: 'writer', image: 'busybox' }],
        containers: [writer, reader],
      });
      expect(synthError(chart)).toContain('[test/pod] spec.initContainers[0].name: container name "writer" is already used by spec.containers[0]');
    });

    test('fails on a container name that is not a DNS-1123 label', () => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', { containers: [{ ...writer, name: 'Writer_1' }, reader] });
      expect(synthError(chart)).toContain('[test/pod] spec.containers[0].name: container name "Writer_1" must consist of lowercase letters');
    });

    test('fails on a mount of a volume the pod does not declare', () => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', {
        volumes: [{ name: 'html' }],
        containers: [writer, { ...reader, sharedMounts: [{ volume: 'htlm', path: '/in' }] }],
      });
      const message = synthError(chart);
      expect(message).toContain('[test/pod] containers[1].sharedMounts[0].volume: container "reader" mounts volume "htlm", which is not in the Pod; '
        + 'the Pod\'s volumes are "html". fix: declare the volume on the Pod, or mount one of its volumes (rule mount-volume-exists)');
    });

    test('fails on a mount that does not say which of several volumes', () => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', { volumes: [{ name: 'a' }, { name: 'b' }], containers: [writer, reader] });
      expect(synthError(chart)).toContain('[test/pod] containers[0].sharedMounts[0].volume: container "writer" does not say which of the shared volumes "a", "b" to mount. '
        + 'fix: set `volume` to one of their names');
    });

    test('fails on a shared volume fewer than two containers mount', () => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', { containers: [writer, { ...reader, sharedMounts: [] }] });
      expect(synthError(chart)).toContain('[test/pod] volumes[0] (volume "shared-data"): a shared volume must be mounted by at least 2 containers, only "writer" mounts it');
    });

    test('fails on the same mount path twice in one container', () => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', {
        volumes: [{ name: 'a' }, { name: 'b' }],
        containers: [
          { ...writer, sharedMounts: [{ volume: 'a', path: '/data' }, { volume: 'b', path: '/data' }] },
          { ...reader, sharedMounts: [{ volume: 'a', path: '/a' }, { volume: 'b', path: '/b' }] },
        ],
      });
      expect(synthError(chart)).toContain('[test/pod] spec.containers[0].volumeMounts[1].mountPath: container "writer" mounts "/data" twice');
    });

    test('fails on the same port in two containers', () => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', { containers: [{ ...writer, portNumber: 8080 }, { ...reader, ports: [{ number: 8080 }] }] });
      expect(synthError(chart)).toContain('[test/pod] spec.containers[1].ports[0].containerPort: container "reader" declares port 8080/TCP, which container "writer"');
    });

    test('fails on a port out of range', () => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', { containers: [{ ...writer, portNumber: 70000 }, reader] });
      expect(synthError(chart)).toContain('[test/pod] spec.containers[0].ports[0].containerPort: container "writer" declares port 70000, ports must be whole numbers from 1 to 65535');
    });

    test.each([
      [Size.mebibytes(0), '0'],
      [Size.kibibytes(512), '0.5'],
    ])('fails on the sizeLimit %p, without throwing mid-render', (sizeLimit, shown) => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', { volumes: [{ name: 'v', sizeLimit }], containers: [writer, reader] });
      expect(synthError(chart)).toContain(`[test/pod] volumes[0].sizeLimit (volume "v"): size limit must be a positive whole number of mebibytes, received ${shown} MiB`);
    });

    test('fails on two different volumes with one name (cdk8s-plus would throw mid-render)', () => {
      const chart = Testing.chart();
      const svp = new SharedVolumePod(chart, 'pod', { volumes: [{ name: 'data' }], containers: [writer, reader] });
      svp.findContainer('reader')!.mount('/other', kplus.Volume.fromEmptyDir(chart, 'other', 'data'));
      expect(synthError(chart)).toContain('volume name "data" is already used by spec.volumes[0]');
    });

    test('reports every problem at once', () => {
      const chart = Testing.chart();
      new SharedVolumePod(chart, 'pod', { containers: [{ ...writer, name: 'Bad' }] });
      const message = synthError(chart);
      expect(message).toContain('(rule container-count)');
      expect(message).toContain('(rule container-name-dns-label)');
      expect(message).toContain('(rule shared-volume-shared)');
    });
  });
});
