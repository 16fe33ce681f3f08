// The synth-time check every pattern shares (MultiContainerPod): it sees what is added to the
// Pod after construction, and cdk8s's second validation pass of one synth does not run the rules again.
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IpcProducerConsumerPod, IpcReadiness, LocalhostSidecarPod, MultiContainerPod, SharedVolumePod } from '../src';
import { synthError, synthPod } from './_helpers';

const writer = { name: 'writer', image: 'busybox:1.36', command: ['sh', '-c', 'date > /out/now'], sharedMounts: [{ path: '/out' }] };
const reader = { name: 'reader', image: 'busybox:1.36', command: ['cat', '/in/now'], sharedMounts: [{ path: '/in', readOnly: true }] };

describe('a Pod changed between two synths is checked again', () => {
  test('an added container', () => {
    const chart = Testing.chart();
    const svp = new SharedVolumePod(chart, 'pod', { containers: [writer, reader] });
    synthPod(chart);
    svp.addContainer({ name: 'writer', image: 'busybox:1.36' });
    expect(synthError(chart)).toContain('[test/pod] spec.containers[2].name: container name "writer" is already used by spec.containers[0]');
  });

  test('an added mount', () => {
    const chart = Testing.chart();
    const svp = new SharedVolumePod(chart, 'pod', { containers: [writer, reader] });
    synthPod(chart);
    svp.findContainer('reader')!.mount('/in', kplus.Volume.fromEmptyDir(svp, 'other', 'other'));
    expect(synthError(chart)).toContain('[test/pod] spec.containers[1].volumeMounts[1].mountPath: container "reader" mounts "/in" twice');
  });

  test('an added port', () => {
    const chart = Testing.chart();
    const lsp = new LocalhostSidecarPod(chart, 'pod', { main: { image: 'nginx:1.27', portNumber: 8080 }, sidecars: [{ image: 'busybox:1.36' }] });
    synthPod(chart);
    lsp.sidecars[0].addPort({ number: 8080 });
    expect(synthError(chart)).toMatch(/\[test\/pod\] spec\.containers\[1\]\.ports\[0\]\.containerPort: .*8080.* \(rule port-unique-in-pod\)/);
  });

  test('an added volume that no container mounts', () => {
    const chart = Testing.chart();
    const svp = new SharedVolumePod(chart, 'pod', { containers: [writer, reader] });
    synthPod(chart);
    svp.addVolume(kplus.Volume.fromEmptyDir(svp, 'scratch', 'Scratch_Space'));
    expect(synthError(chart)).toContain('[test/pod] spec.volumes[1].name: volume name "Scratch_Space" must consist of lowercase letters');
  });

  test('an added init container', () => {
    const chart = Testing.chart();
    const svp = new SharedVolumePod(chart, 'pod', { containers: [writer, reader] });
    synthPod(chart);
    svp.addInitContainer({ name: 'reader', image: 'busybox:1.36' });
    expect(synthError(chart)).toContain('[test/pod] spec.initContainers[0].name: container name "reader" is already used by spec.containers[1]');
  });

  test('an added container that does not mount /dev/shm', () => {
    const chart = Testing.chart();
    const ipc = new IpcProducerConsumerPod(chart, 'pod', {
      readiness: IpcReadiness.file('/dev/shm/ready'),
      shmSize: undefined,
      producer: { image: 'busybox:1.36', command: ['sh', '-c', 'touch /dev/shm/ready'] },
      consumer: { image: 'busybox:1.36', command: ['true'] },
    });
    synthPod(chart);
    ipc.addContainer({ name: 'monitor', image: 'busybox:1.36' });
    // Without shmSize there is no shared /dev/shm volume to mount: the third container is fine.
    expect(synthPod(chart).spec.containers).toHaveLength(3);
  });

  test('an added environment variable', () => {
    const chart = Testing.chart();
    const svp = new SharedVolumePod(chart, 'pod', { containers: [writer, reader] });
    synthPod(chart);
    svp.findContainer('reader')!.env.addVariable('SCRIPT', kplus.EnvValue.fromValue('\n  cat /in/now'));
    expect(synthError(chart)).toContain('[test/pod] spec.containers[1].env[0].value: container "reader" sets the environment variable "SCRIPT" to "\\n  cat /in/now"');
  });

  test('an environment variable set again, to a new value', () => {
    const chart = Testing.chart();
    const lsp = new LocalhostSidecarPod(chart, 'pod', { main: { image: 'nginx:1.27', portNumber: 8080 }, sidecars: [{ image: 'busybox:1.36' }] });
    synthPod(chart);
    // Same name, same number of variables: only the value changes.
    lsp.sidecars[0].env.addVariable('MAIN_URL', kplus.EnvValue.fromValue('\thttp://localhost:8080\n'));
    expect(synthError(chart)).toContain('[test/pod] spec.containers[1].env[2].value: container "sidecar-0" sets the environment variable "MAIN_URL"');
  });

  test('a Pod that was wrong and is fixed', () => {
    const chart = Testing.chart();
    const svp = new SharedVolumePod(chart, 'pod', { containers: [writer, { name: 'idle', image: 'busybox:1.36' }] });
    expect(synthError(chart)).toContain('(rule shared-volume-shared)');
    svp.findContainer('idle')!.mount('/in', svp.sharedVolumes[0]);
    expect(synthPod(chart).spec.containers[1].volumeMounts).toEqual([{ name: 'shared-data', mountPath: '/in' }]);
  });
});

test('a subclass with no rules of its own still gets the shared ones', () => {
  class TwoContainerPod extends MultiContainerPod {
    constructor(scope: Construct, id: string) {
      super(scope, id, {}, kplus.RestartPolicy.NEVER);
      this.addContainer({ name: 'a', image: 'busybox:1.36', portNumber: 80 });
      this.addContainer({ name: 'b', image: 'busybox:1.36', portNumber: 80 });
      this._requireContainers({ min: 2, why: 'a TwoContainerPod', fix: 'add two containers' });
    }
  }
  const chart = Testing.chart();
  new TwoContainerPod(chart, 'pod');
  expect(synthError(chart)).toContain('[test/pod] spec.containers[1].ports[0].containerPort: container "b" declares port 80/TCP, which');
});
