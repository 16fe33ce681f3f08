// SharedVolumes on every workload kind, composed with other patterns and with containers and
// volumes of the workload's own.
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { LocalhostSidecars, SharedVolumes } from '../src';
import { synthError } from './_helpers';
import { KINDS, podSpec, synthKind } from './_workloads';

const writer = { name: 'writer', image: 'busybox:1.36', command: ['sh', '-c', 'date > /out/now'], sharedMounts: [{ path: '/out' }] };
const reader = { name: 'reader', image: 'busybox:1.36', command: ['cat', '/in/now'], sharedMounts: [{ path: '/in', readOnly: true }] };

describe.each(KINDS.map(k => [k.kind, k] as const))('SharedVolumes on a %s', (kind, k) => {
  test('adds the volume and the containers with their mounts to the pod template', () => {
    // GIVEN
    const chart = Testing.chart();
    const workload = k.build(chart);
    // WHEN
    const files = new SharedVolumes(chart, 'files', { workload, containers: [writer, reader] });
    // THEN
    const obj = synthKind(chart, kind);
    expect(obj).toMatchSnapshot();
    const spec = podSpec(obj);
    expect(spec.volumes).toEqual([{ name: 'shared-data', emptyDir: {} }]);
    expect(spec.containers.map((c: any) => c.name)).toEqual(['writer', 'reader']);
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/out' }]);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/in', readOnly: true }]);
    expect(spec.restartPolicy).toBe(kind === 'Job' || kind === 'CronJob' ? 'Never' : 'Always');
    for (const c of spec.containers) {
      expect(c.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.restartPolicy).toBeUndefined();
    }
    expect(files.workload).toBe(workload);
    expect(files.containers.map(c => c.name)).toEqual(['writer', 'reader']);
    expect(files.findVolume('shared-data')).toBe(files.volumes[0]);
  });

  test('fails with the kind\'s own field path when two containers of the pod template collide', () => {
    const chart = Testing.chart();
    const workload = k.build(chart);
    workload.addContainer({ name: 'app', image: 'busybox:1.36', portNumber: 8080 });
    new SharedVolumes(chart, 'files', { workload, containers: [{ ...writer, portNumber: 8080 }, reader] });
    expect(synthError(chart)).toContain(`[test/web] ${k.spec}.containers[1].ports[0].containerPort: container "writer" declares port 8080/TCP, `
      + `which container "app" (${k.spec}.containers[0].ports[0]) already declares`);
  });

  test('fails when a shared volume is mounted by one container, at the pattern\'s path with its props field', () => {
    const chart = Testing.chart();
    const workload = k.build(chart);
    new SharedVolumes(chart, 'files', { workload, containers: [writer] });
    expect(synthError(chart)).toContain('[test/files] volumes[0] (volume "shared-data"): a shared volume must be mounted by at least 2 containers, only "writer" mounts it.');
  });
});

describe('SharedVolumes', () => {
  test('a container the workload already has joins the exchange with addMounts', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web');
    const nginx = web.addContainer({ name: 'nginx', image: 'nginx:1.27', portNumber: 8080 });
    const content = new SharedVolumes(chart, 'content', { workload: web, volumes: [{ name: 'html' }], containers: [writer] });
    content.addMounts(nginx, [{ path: '/usr/share/nginx/html', readOnly: true }]);
    const spec = podSpec(synthKind(chart, 'Deployment'));
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'html', mountPath: '/usr/share/nginx/html', readOnly: true }]);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'html', mountPath: '/out' }]);
  });

  test('containers added later through addContainer get their shared mounts', () => {
    const chart = Testing.chart();
    const job = new kplus.Job(chart, 'web');
    const files = new SharedVolumes(chart, 'files', { workload: job, containers: [writer] });
    files.addContainer(reader);
    const spec = podSpec(synthKind(chart, 'Job'));
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/in', readOnly: true }]);
  });

  test('composes with a localhost sidecar on one Deployment: every container is checked together', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { replicas: 2 });
    const site = new LocalhostSidecars(chart, 'site', {
      workload: web,
      main: { name: 'nginx', image: 'nginx:1.27', portNumber: 8080 },
      sidecars: [{ name: 'probe', image: 'curlimages/curl:8.11.1', command: ['sh', '-c', 'while true; do curl -sS "$MAIN_URL"; sleep 5; done'] }],
    });
    const content = new SharedVolumes(chart, 'content', { workload: web, volumes: [{ name: 'html' }], containers: [writer] });
    content.addMounts(site.main, [{ path: '/usr/share/nginx/html', readOnly: true }]);
    const spec = podSpec(synthKind(chart, 'Deployment'));
    expect(spec.containers.map((c: any) => c.name)).toEqual(['nginx', 'probe', 'writer']);
    expect(spec.volumes).toEqual([{ name: 'html', emptyDir: {} }]);

    // A third pattern that reuses a name and a port is told about both, in the Deployment's paths.
    new SharedVolumes(chart, 'more', { workload: web, containers: [{ ...writer, portNumber: 8080 }, { ...reader, name: 'probe' }] });
    const error = synthError(chart);
    expect(error).toContain('[test/web] spec.template.spec.containers[3].name: container name "writer" is already used by spec.template.spec.containers[2]');
    expect(error).toContain('[test/web] spec.template.spec.containers[3].ports[0].containerPort: container "writer" declares port 8080/TCP, which container "nginx"');
    expect(error).toContain('[test/web] spec.template.spec.containers[4].name: container name "probe" is already used by spec.template.spec.containers[1]');
  });

  test('fails when a shared volume has the name of one of the workload\'s own volumes', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web');
    web.addVolume(kplus.Volume.fromEmptyDir(chart, 'cache', 'shared-data'));
    new SharedVolumes(chart, 'files', { workload: web, containers: [writer, reader] });
    const message = synthError(chart);
    expect(message).toContain('[test/files] volumes[0].name: volume name "shared-data" is already a volume of the workload. '
      + 'fix: give the shared volume another name, or mount the workload\'s volume with container.mount() (rule volume-name-unique)');
    // Reported once: the containers' mounts of the volume left out are not reported again.
    expect(message.split('\n').filter(l => l.startsWith('  ['))).toHaveLength(1);
  });

  test('scratchMounts give a container a private writable emptyDir that no rule asks to share', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web');
    new SharedVolumes(chart, 'content', {
      workload: web,
      volumes: [{ name: 'html' }],
      containers: [
        { name: 'nginx', image: 'nginx:1.27', sharedMounts: [{ path: '/usr/share/nginx/html', readOnly: true }], scratchMounts: [{ path: '/var/cache/nginx' }, { path: '/tmp', volume: 'nginx-tmp' }] },
        writer,
      ],
    });
    const spec = podSpec(synthKind(chart, 'Deployment'));
    // cdk8s-plus lists the volumes in the order the containers mount them.
    expect(spec.volumes).toEqual([
      { name: 'nginx-scratch-0', emptyDir: {} },
      { name: 'nginx-tmp', emptyDir: {} },
      { name: 'html', emptyDir: {} },
    ]);
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'nginx-scratch-0', mountPath: '/var/cache/nginx' },
      { name: 'nginx-tmp', mountPath: '/tmp' },
      { name: 'html', mountPath: '/usr/share/nginx/html', readOnly: true },
    ]);
    expect(spec.containers[1].volumeMounts).toEqual([{ name: 'html', mountPath: '/out' }]);
  });
});
