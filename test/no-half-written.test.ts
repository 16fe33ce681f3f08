// Nothing half-written: when validation fails, App.synth() throws before writing anything, so
// an existing output folder keeps its files, bytes and modification times, whichever chart
// fails, and also for problems cdk8s-plus itself would only hit while writing (a size limit that
// is not whole mebibytes, two volumes with one name) or would throw on while the construct is
// built (two shared volumes of one name, one port twice in a container, a probe on an init
// container), which the library reports as validation errors instead.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IpcProducerConsumerPod, IpcReadiness, LocalhostSidecarPod, SharedVolumePod } from '../src';

interface FileState { readonly bytes: Buffer; readonly mtimeMs: number }

function stateOf(dir: string): Map<string, FileState> {
  const state = new Map<string, FileState>();
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    state.set(name, { bytes: fs.readFileSync(full), mtimeMs: fs.statSync(full).mtimeMs });
  }
  return state;
}

/** A valid chart; `image` changes its bytes, so a rewrite would show. */
function goodChart(app: App, id: string, image: string): void {
  const chart = new Chart(app, id);
  new SharedVolumePod(chart, 'pod', {
    containers: [
      { name: 'web', image, sharedMounts: [{ path: '/usr/share/nginx/html', readOnly: true }] },
      { name: 'writer', image: 'busybox:1.36', sharedMounts: [{ path: '/html' }] },
    ],
  });
}

/** Charts that fail validation, one way each. */
const BAD: Record<string, (scope: Construct) => void> = {
  'duplicate container names (SharedVolumePod)': scope => new SharedVolumePod(scope, 'pod', {
    containers: [
      { name: 'web', image: 'nginx:1.27', sharedMounts: [{ path: '/a' }] },
      { name: 'web', image: 'busybox:1.36', sharedMounts: [{ path: '/b' }] },
    ],
  }),
  'a size limit of 1 KiB, which cdk8s-plus cannot render (SharedVolumePod)': scope => new SharedVolumePod(scope, 'pod', {
    volumes: [{ name: 'data', sizeLimit: Size.kibibytes(1) }],
    containers: [
      { name: 'web', image: 'nginx:1.27', sharedMounts: [{ path: '/a' }] },
      { name: 'writer', image: 'busybox:1.36', sharedMounts: [{ path: '/b' }] },
    ],
  }),
  'two volumes named dshm, which cdk8s-plus throws on while rendering (IpcProducerConsumerPod)': scope => new IpcProducerConsumerPod(scope, 'pod', {
    readiness: IpcReadiness.none(),
    shmSize: Size.mebibytes(64),
    producer: { image: 'p:1' },
    consumer: { image: 'c:1' },
    initContainers: [{ name: 'setup', image: 'busybox:1.36', volumeMounts: [{ path: '/cache', volume: kplus.Volume.fromEmptyDir(scope, 'cache', 'dshm') }] }],
  }),
  'two shared volumes of one name, which cdk8s-plus throws on while building (SharedVolumePod)': scope => new SharedVolumePod(scope, 'pod', {
    volumes: [{ name: 'html' }, { name: 'html' }],
    containers: [
      { name: 'web', image: 'nginx:1.27', sharedMounts: [{ path: '/a', volume: 'html' }] },
      { name: 'writer', image: 'busybox:1.36', sharedMounts: [{ path: '/b', volume: 'html' }] },
    ],
  }),
  'one port twice in a container, which cdk8s-plus throws on while building (LocalhostSidecarPod)': scope => new LocalhostSidecarPod(scope, 'pod', {
    main: { image: 'nginx:1.27', portNumber: 80, ports: [{ number: 80 }] },
    sidecars: [{ image: 'busybox:1.36' }],
  }),
  'a probe on an init container, which cdk8s-plus throws on while building (IpcProducerConsumerPod)': scope => new IpcProducerConsumerPod(scope, 'pod', {
    readiness: IpcReadiness.none(),
    producer: { image: 'p:1' },
    consumer: { image: 'c:1' },
    initContainers: [{ name: 'setup', image: 'busybox:1.36', liveness: kplus.Probe.fromCommand(['true']) }],
  }),
  'a consumer without a command (IpcProducerConsumerPod)': scope => new IpcProducerConsumerPod(scope, 'pod', {
    readiness: IpcReadiness.posixMessageQueue('/q'),
    producer: { image: 'p:1' },
    consumer: { image: 'c:1' },
  }),
  'a main container without a port (LocalhostSidecarPod)': scope => new LocalhostSidecarPod(scope, 'pod', {
    main: { image: 'nginx:1.27' },
    sidecars: [{ image: 'busybox:1.36' }],
  }),
};

describe('a failed synth leaves the output folder untouched', () => {
  let outdir: string;
  let before: Map<string, FileState>;

  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multicontainer-half-written-'));
    const app = new App({ outdir });
    goodChart(app, 'a', 'nginx:1.27');
    goodChart(app, 'b', 'nginx:1.27');
    goodChart(app, 'c', 'nginx:1.27');
    app.synth();
    before = stateOf(outdir);
    expect([...before.keys()]).toEqual(['a.k8s.yaml', 'b.k8s.yaml', 'c.k8s.yaml']);
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  describe.each(Object.entries(BAD))('%s', (_name, bad) => {
    test.each(['a', 'b', 'c'])('failing in chart %s', failing => {
      const app = new App({ outdir });
      for (const id of ['a', 'b', 'c']) {
        if (id === failing) bad(new Chart(app, id));
        else goodChart(app, id, 'nginx:1.27.3'); // would change the file if it were written
      }
      expect(() => app.synth()).toThrow(/^Validation failed with the following errors:\n {2}\[/);
      const after = stateOf(outdir);
      expect([...after.keys()]).toEqual([...before.keys()]);
      for (const [name, { bytes, mtimeMs }] of before) {
        expect({ name, same: after.get(name)!.bytes.equals(bytes), mtimeMs: after.get(name)!.mtimeMs }).toEqual({ name, same: true, mtimeMs });
      }
    });
  });
});
