// Security review of defaults: every construct keeps cdk8s-plus's secure defaults on every
// container it renders (its own, init containers, wrapped consumers, hooked producers, sidecars
// with injected variables, containers added later through `pod`) and on the Pod, and each
// opt-out changes exactly the one field it names, nothing else.
import { App, Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IpcProducerConsumerPod, IpcReadiness, LocalhostSidecarPod, MultiContainerPodOptions, SharedVolumePod, StartupGate } from '../src';

/** cdk8s-plus's secure defaults, which every container keeps. */
const CONTAINER_DEFAULTS = {
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
};

/** What the library adds on its own containers: Pod Security "restricted". */
const PATTERN_DEFAULTS = {
  ...CONTAINER_DEFAULTS,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Containers added through cdk8s-plus by other code keep cdk8s-plus's defaults only. */
const NOT_PATTERN = ['later'];

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Case {
  readonly construct: string;
  /** Builds the construct; `opt` changes the props of one container (by its role) or of the Pod. */
  readonly build: (chart: Chart, opt: Options) => void;
  /** Roles of containers that can be opted out, with the field path of their rendered container. */
  readonly containers: Record<string, string>;
}

interface Options {
  readonly role?: string;
  readonly container?: kplus.ContainerSecurityContextProps;
  readonly pod?: MultiContainerPodOptions;
}

const sc = (opt: Options, role: string) => (opt.role === role ? { securityContext: opt.container } : {});

const CASES: Case[] = [
  {
    construct: 'SharedVolumePod',
    build: (chart, opt) => {
      const pod = new SharedVolumePod(chart, 'pod', {
        ...opt.pod,
        initContainers: [{ name: 'setup', image: 'busybox:1.36', ...sc(opt, 'init') }],
        volumes: [{ name: 'html', medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.mebibytes(16) }],
        containers: [
          { name: 'web', image: 'nginx:1.27', portNumber: 8080, sharedMounts: [{ path: '/usr/share/nginx/html', readOnly: true }], ...sc(opt, 'first') },
          { name: 'writer', image: 'busybox:1.36', sharedMounts: [{ path: '/html' }], ...sc(opt, 'second') },
        ],
      });
      pod.pod.addContainer({ name: 'later', image: 'busybox:1.36', ...sc(opt, 'later') });
    },
    containers: { init: 'spec.initContainers[0]', first: 'spec.containers[0]', second: 'spec.containers[1]', later: 'spec.containers[2]' },
  },
  {
    construct: 'IpcProducerConsumerPod',
    build: (chart, opt) => {
      const pod = new IpcProducerConsumerPod(chart, 'pod', {
        ...opt.pod,
        initContainers: [{ name: 'setup', image: 'busybox:1.36', ...sc(opt, 'init') }],
        readiness: IpcReadiness.posixMessageQueue('/ch6_ipc'),
        startupGate: StartupGate.BOTH,
        shmSize: Size.mebibytes(64),
        producer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-producer'], ...sc(opt, 'producer') },
        consumer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-consumer'], ...sc(opt, 'consumer') },
      });
      const later = pod.pod.addContainer({ name: 'later', image: 'busybox:1.36', ...sc(opt, 'later') });
      later.mount('/dev/shm', pod.shmVolume!);
    },
    containers: { init: 'spec.initContainers[0]', producer: 'spec.containers[0]', consumer: 'spec.containers[1]', later: 'spec.containers[2]' },
  },
  {
    construct: 'LocalhostSidecarPod',
    build: (chart, opt) => {
      const pod = new LocalhostSidecarPod(chart, 'pod', {
        ...opt.pod,
        initContainers: [{ name: 'setup', image: 'busybox:1.36', ...sc(opt, 'init') }],
        main: { name: 'web', image: 'nginx:1.27', portNumber: 8080, ...sc(opt, 'main') },
        sidecars: [{ name: 'fetcher', image: 'curlimages/curl:8.11.1', ...sc(opt, 'sidecar') }],
      });
      pod.pod.addContainer({ name: 'later', image: 'busybox:1.36', ...sc(opt, 'later') });
    },
    containers: { init: 'spec.initContainers[0]', main: 'spec.containers[0]', sidecar: 'spec.containers[1]', later: 'spec.containers[2]' },
  },
];

function podSpecOf(c: Case, opt: Options = {}): Json {
  const chart = new Chart(new App(), 'test'); // not Testing.chart(): it makes a temporary directory per call
  c.build(chart, opt);
  const docs = Testing.synth(chart);
  expect(docs).toHaveLength(1);
  return docs[0];
}

/** Paths (`spec.containers[0].securityContext.runAsNonRoot`) where two JSON values differ. */
function differences(a: Json, b: Json, at = ''): string[] {
  if (a === b) return [];
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return [at];
  if (Array.isArray(a)) {
    const out = a.length === b.length ? [] : [`${at}.length`];
    for (let i = 0; i < Math.min(a.length, b.length); i++) out.push(...differences(a[i], b[i], `${at}[${i}]`));
    return out;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].sort().flatMap(k => differences(a[k], b[k], at ? `${at}.${k}` : k));
}

function get(json: Json, path: string): Json {
  return path.split(/\.|(?=\[)/).reduce((v, part) => (part.startsWith('[') ? v?.[Number(part.slice(1, -1))] : v?.[part]), json);
}

describe.each(CASES.map(c => [c.construct, c] as const))('%s', (_name, c) => {
  const defaults = podSpecOf(c);
  const containers: Json[] = [...defaults.spec.containers, ...defaults.spec.initContainers ?? []];

  test('every container keeps the secure container defaults; the pattern\'s own are Pod Security "restricted"', () => {
    expect(containers.length).toBe(Object.keys(c.containers).length);
    for (const [role, at] of Object.entries(c.containers)) {
      expect(get(defaults, `${at}.securityContext`)).toEqual(NOT_PATTERN.includes(role) ? CONTAINER_DEFAULTS : PATTERN_DEFAULTS);
    }
  });

  test('the Pod runs as non-root, without the service account token, and shares nothing with the node', () => {
    expect(defaults.spec.securityContext.runAsNonRoot).toBe(true);
    expect(defaults.spec.automountServiceAccountToken).toBe(false);
    expect(defaults.spec.hostNetwork).toBe(false);
    for (const field of ['hostPID', 'hostIPC', 'shareProcessNamespace', 'serviceAccountName']) expect(defaults.spec[field]).toBeUndefined();
    for (const container of containers) {
      expect(container.ports?.some((p: Json) => p.hostPort !== undefined) ?? false).toBe(false);
      expect(container.securityContext.capabilities?.add).toBeUndefined();
    }
    for (const volume of defaults.spec.volumes ?? []) expect(Object.keys(volume).sort()).toEqual(['emptyDir', 'name']);
  });

  describe.each(Object.entries(c.containers))('opting out on the %s container', (role, at) => {
    test('ensureNonRoot: false changes only its runAsNonRoot (and, on a pattern container, keeps its capabilities: "baseline")', () => {
      const changed = podSpecOf(c, { role, container: { ensureNonRoot: false } });
      const capabilities = NOT_PATTERN.includes(role) ? [] : [`${at}.securityContext.capabilities`];
      expect(differences(defaults, changed)).toEqual([...capabilities, `${at}.securityContext.runAsNonRoot`]);
      expect(get(changed, `${at}.securityContext.runAsNonRoot`)).toBe(false);
    });
    test('readOnlyRootFilesystem: false changes only its readOnlyRootFilesystem', () => {
      const changed = podSpecOf(c, { role, container: { readOnlyRootFilesystem: false } });
      expect(differences(defaults, changed)).toEqual([`${at}.securityContext.readOnlyRootFilesystem`]);
      expect(get(changed, `${at}.securityContext.readOnlyRootFilesystem`)).toBe(false);
    });
  });

  test('the Pod\'s ensureNonRoot: false changes only the Pod\'s runAsNonRoot', () => {
    const changed = podSpecOf(c, { pod: { securityContext: { ensureNonRoot: false } } });
    expect(differences(defaults, changed)).toEqual(['spec.securityContext.runAsNonRoot']);
    expect(changed.spec.securityContext.runAsNonRoot).toBe(false);
  });

  test('automountServiceAccountToken: true changes only that field', () => {
    const changed = podSpecOf(c, { pod: { automountServiceAccountToken: true } });
    expect(differences(defaults, changed)).toEqual(['spec.automountServiceAccountToken']);
  });
});
