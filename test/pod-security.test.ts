// The Pod Security Standards checker (./pod-security.ts) on hand-written specs, one failing
// control at a time; then the library's Pods and workloads, and every example, against it.
import { App, Chart, Cron, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { podSecurityLevel, PodSecurityLevel, podSecurityViolations, podTemplateOf } from './pod-security';
import { buildExamples } from '../examples/main';
import { IpcProducerConsumer, IpcProducerConsumerPod, IpcReadiness, LocalhostSidecarPod, LocalhostSidecars, SharedVolumePod, SharedVolumes, StartupGate } from '../src';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

// ---------------------------------------------------------------------------------------------
// The checker itself

/** A container that meets "restricted" on its own. */
const restrictedContainer = (name: string): Json => ({
  name,
  image: 'app:1',
  securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } },
});

/** A Pod spec meeting "restricted", with an app, an init and an ephemeral container. */
function restrictedSpec(): Json {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [restrictedContainer('app')],
    initContainers: [restrictedContainer('setup')],
    ephemeralContainers: [restrictedContainer('debug')],
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'config', configMap: { name: 'c' } }, { name: 'token', projected: { sources: [] } }],
  };
}

interface CheckCase {
  /** What is changed. */
  readonly change: string;
  readonly mutate: (spec: Json, metadata: Json) => void;
  /** The level the spec then meets. */
  readonly level: PodSecurityLevel;
  /** The one control that fails (`<level>: <control>`), and where. */
  readonly id: string;
  readonly field: string;
  /** A restricted control the change fails too (the two levels overlap there). */
  readonly also?: readonly [string, string];
}

const sc = (spec: Json, key: string, i = 0): Json => spec[key][i].securityContext;

const CHECK_CASES: CheckCase[] = [
  // baseline
  { change: 'a HostProcess Pod', mutate: s => { s.securityContext.windowsOptions = { hostProcess: true }; }, level: 'privileged', id: 'baseline: HostProcess', field: 'spec.securityContext.windowsOptions.hostProcess' },
  { change: 'a HostProcess ephemeral container', mutate: s => { sc(s, 'ephemeralContainers').windowsOptions = { hostProcess: true }; }, level: 'privileged', id: 'baseline: HostProcess', field: 'spec.ephemeralContainers[0].securityContext.windowsOptions.hostProcess' },
  { change: 'hostNetwork', mutate: s => { s.hostNetwork = true; }, level: 'privileged', id: 'baseline: Host Namespaces', field: 'spec.hostNetwork' },
  { change: 'hostPID', mutate: s => { s.hostPID = true; }, level: 'privileged', id: 'baseline: Host Namespaces', field: 'spec.hostPID' },
  { change: 'hostIPC', mutate: s => { s.hostIPC = true; }, level: 'privileged', id: 'baseline: Host Namespaces', field: 'spec.hostIPC' },
  { change: 'a privileged init container', mutate: s => { sc(s, 'initContainers').privileged = true; }, level: 'privileged', id: 'baseline: Privileged Containers', field: 'spec.initContainers[0].securityContext.privileged' },
  {
    change: 'SYS_ADMIN added',
    mutate: s => { sc(s, 'containers').capabilities.add = ['SYS_ADMIN']; },
    level: 'privileged',
    id: 'baseline: Capabilities',
    field: 'spec.containers[0].securityContext.capabilities.add[0]',
    also: ['restricted: Capabilities', 'spec.containers[0].securityContext.capabilities.add[0]'],
  },
  {
    change: 'a hostPath volume',
    mutate: s => { s.volumes.push({ name: 'host', hostPath: { path: '/' } }); },
    level: 'privileged',
    id: 'baseline: HostPath Volumes',
    field: 'spec.volumes[3].hostPath',
    also: ['restricted: Volume Types', 'spec.volumes[3].hostPath'],
  },
  { change: 'a host port', mutate: s => { s.containers[0].ports = [{ containerPort: 80 }, { containerPort: 81, hostPort: 8081 }]; }, level: 'privileged', id: 'baseline: Host Ports', field: 'spec.containers[0].ports[1].hostPort' },
  { change: 'an unconfined AppArmor annotation', mutate: (_s, m) => { m.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }; }, level: 'privileged', id: 'baseline: AppArmor', field: 'metadata.annotations[\'container.apparmor.security.beta.kubernetes.io/app\']' },
  { change: 'an unconfined AppArmor profile field', mutate: s => { sc(s, 'containers').appArmorProfile = { type: 'Unconfined' }; }, level: 'privileged', id: 'baseline: AppArmor', field: 'spec.containers[0].securityContext.appArmorProfile.type' },
  { change: 'a custom SELinux type', mutate: s => { s.securityContext.seLinuxOptions = { type: 'spc_t' }; }, level: 'privileged', id: 'baseline: SELinux', field: 'spec.securityContext.seLinuxOptions.type' },
  { change: 'a custom SELinux user', mutate: s => { sc(s, 'initContainers').seLinuxOptions = { user: 'system_u' }; }, level: 'privileged', id: 'baseline: SELinux', field: 'spec.initContainers[0].securityContext.seLinuxOptions.user' },
  { change: 'an unmasked /proc', mutate: s => { sc(s, 'containers').procMount = 'Unmasked'; }, level: 'privileged', id: 'baseline: /proc Mount Type', field: 'spec.containers[0].securityContext.procMount' },
  { change: 'an unsafe sysctl', mutate: s => { s.securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }, { name: 'kernel.msgmax', value: '65536' }]; }, level: 'privileged', id: 'baseline: Sysctls', field: 'spec.securityContext.sysctls[1].name' },
  // restricted (a Pod that fails only these is "baseline")
  { change: 'an nfs volume', mutate: s => { s.volumes.push({ name: 'share', nfs: { server: 'nfs', path: '/' } }); }, level: 'baseline', id: 'restricted: Volume Types', field: 'spec.volumes[3].nfs' },
  { change: 'allowPrivilegeEscalation unset on an ephemeral container', mutate: s => { delete sc(s, 'ephemeralContainers').allowPrivilegeEscalation; }, level: 'baseline', id: 'restricted: Privilege Escalation', field: 'spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation' },
  { change: 'a container with runAsNonRoot false (overriding the Pod\'s true)', mutate: s => { sc(s, 'initContainers').runAsNonRoot = false; }, level: 'baseline', id: 'restricted: Running as Non-root', field: 'spec.initContainers[0].securityContext.runAsNonRoot' },
  { change: 'runAsUser 0 on a container (overriding the Pod\'s 1000)', mutate: s => { sc(s, 'containers').runAsUser = 0; }, level: 'baseline', id: 'restricted: Running as Non-root user', field: 'spec.containers[0].securityContext.runAsUser' },
  { change: 'an unset container seccomp profile, the Pod\'s unset too', mutate: s => { delete s.securityContext.seccompProfile; delete sc(s, 'initContainers').seccompProfile; }, level: 'baseline', id: 'restricted: Seccomp', field: 'spec.initContainers[0].securityContext.seccompProfile.type' },
  { change: 'capabilities not dropped', mutate: s => { sc(s, 'containers').capabilities = {}; }, level: 'baseline', id: 'restricted: Capabilities', field: 'spec.containers[0].securityContext.capabilities.drop' },
  { change: 'CHOWN added back (baseline allows it, restricted does not)', mutate: s => { sc(s, 'containers').capabilities.add = ['CHOWN']; }, level: 'baseline', id: 'restricted: Capabilities', field: 'spec.containers[0].securityContext.capabilities.add[0]' },
];

describe('the checker', () => {
  test('the restricted spec meets "restricted", and so "baseline"', () => {
    expect(podSecurityViolations(restrictedSpec(), 'restricted')).toEqual([]);
    expect(podSecurityLevel(restrictedSpec())).toBe('restricted');
  });

  test('the default (minimally specified) Pod is "baseline", as the docs define it', () => {
    const spec = { containers: [{ name: 'app', image: 'app:1' }] };
    expect(podSecurityLevel(spec)).toBe('baseline');
    expect(podSecurityViolations(spec, 'restricted').map(v => v.id)).toEqual([
      'restricted: Privilege Escalation', 'restricted: Running as Non-root', 'restricted: Seccomp', 'restricted: Capabilities',
    ]);
    expect(podSecurityViolations(spec, 'privileged')).toEqual([]);
  });

  test.each(CHECK_CASES.map(c => [c.change, c] as const))('%s fails exactly one control (of each level, where they overlap)', (_change, c) => {
    const spec = restrictedSpec();
    const metadata: Json = {};
    c.mutate(spec, metadata);
    const found = podSecurityViolations(spec, 'restricted', metadata);
    expect(found.map(v => [v.id, v.field])).toEqual([[c.id, c.field], ...c.also ? [c.also] : []]);
    expect(podSecurityLevel(spec, metadata)).toBe(c.level);
    // A baseline control fails baseline too; a restricted one does not.
    expect(podSecurityViolations(spec, 'baseline', metadata).length).toBe(c.id.startsWith('baseline') ? 1 : 0);
  });

  test('every control of both levels is covered by a case', () => {
    const ids = new Set(CHECK_CASES.map(c => c.id));
    expect([...ids].sort()).toEqual([
      'baseline: /proc Mount Type', 'baseline: AppArmor', 'baseline: Capabilities', 'baseline: Host Namespaces', 'baseline: Host Ports', 'baseline: HostPath Volumes',
      'baseline: HostProcess', 'baseline: Privileged Containers', 'baseline: SELinux', 'baseline: Sysctls',
      'restricted: Capabilities', 'restricted: Privilege Escalation', 'restricted: Running as Non-root', 'restricted: Running as Non-root user', 'restricted: Seccomp', 'restricted: Volume Types',
    ].sort());
    // baseline: Seccomp (explicitly Unconfined) is the one baseline control whose failure is checked below.
  });

  test('baseline Seccomp: an explicitly Unconfined profile, on the Pod or a container', () => {
    const pod = restrictedSpec();
    pod.securityContext.seccompProfile = { type: 'Unconfined' };
    // The containers override the Pod's profile, but the Pod-level field is a restricted field itself.
    expect(podSecurityViolations(pod, 'restricted').map(v => [v.id, v.field])).toEqual([
      ['baseline: Seccomp', 'spec.securityContext.seccompProfile.type'],
      ['restricted: Seccomp', 'spec.securityContext.seccompProfile.type'],
    ]);
    const container = restrictedSpec();
    sc(container, 'ephemeralContainers').seccompProfile = { type: 'Unconfined' };
    expect(podSecurityViolations(container, 'baseline').map(v => v.field)).toEqual(['spec.ephemeralContainers[0].securityContext.seccompProfile.type']);
    expect(podSecurityLevel(container)).toBe('privileged');
  });

  describe('a container field overrides the Pod\'s; an unset one inherits it', () => {
    test('runAsNonRoot: unset on every container, true on the Pod: met; the Pod\'s unset too: every container fails', () => {
      const spec = restrictedSpec();
      for (const key of ['containers', 'initContainers', 'ephemeralContainers']) delete sc(spec, key).runAsNonRoot;
      expect(podSecurityViolations(spec, 'restricted')).toEqual([]);
      delete spec.securityContext.runAsNonRoot;
      expect(podSecurityViolations(spec, 'restricted').map(v => v.field)).toEqual([
        'spec.containers[0].securityContext.runAsNonRoot', 'spec.initContainers[0].securityContext.runAsNonRoot', 'spec.ephemeralContainers[0].securityContext.runAsNonRoot',
      ]);
    });

    test('runAsNonRoot false on the Pod fails even when every container sets true (as Pod Security Admission reads it)', () => {
      const spec = restrictedSpec();
      spec.securityContext.runAsNonRoot = false;
      expect(podSecurityViolations(spec, 'restricted').map(v => [v.id, v.field])).toEqual([['restricted: Running as Non-root', 'spec.securityContext.runAsNonRoot']]);
    });

    test('seccomp: every container sets RuntimeDefault or Localhost, the Pod nothing: met; a container Unconfined under a RuntimeDefault Pod: fails', () => {
      const spec = restrictedSpec();
      delete spec.securityContext.seccompProfile;
      sc(spec, 'initContainers').seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
      expect(podSecurityLevel(spec)).toBe('restricted');
      const overridden = restrictedSpec();
      sc(overridden, 'containers').seccompProfile = { type: 'Unconfined' };
      expect(podSecurityViolations(overridden, 'restricted').map(v => v.id)).toEqual(['baseline: Seccomp', 'restricted: Seccomp']);
    });

    test('a Windows Pod is exempt from the Linux-only restricted controls', () => {
      const spec: Json = { os: { name: 'windows' }, securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: 'app:1' }] };
      expect(podSecurityLevel(spec)).toBe('restricted');
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The library

/** Every Pod or pod template the chart synthesizes, by `<kind>/<name>`. */
function templates(chart: Chart): Map<string, { metadata?: Json; spec: Json }> {
  const out = new Map<string, { metadata?: Json; spec: Json }>();
  for (const obj of Testing.synth(chart)) {
    const template = podTemplateOf(obj);
    if (template) out.set(`${obj.kind}/${obj.metadata.name}`, template);
  }
  return out;
}

function levelsOf(build: (chart: Chart) => void): Record<string, PodSecurityLevel> {
  const chart = new Chart(new App(), 'test');
  build(chart);
  const out: Record<string, PodSecurityLevel> = {};
  for (const [key, t] of templates(chart)) out[key.split('/')[0]] = podSecurityLevel(t.spec, t.metadata);
  return out;
}

const asUser = { securityContext: { user: 1000, group: 1000 } };
const rootOptOut = { securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false } };

describe('the library\'s Pods', () => {
  test.each([
    ['SharedVolumePod', (chart: Chart) => new SharedVolumePod(chart, 'pod', {
      initContainers: [{ name: 'setup', image: 'busybox:1.36', ...asUser }],
      containers: [{ name: 'web', image: 'web:1', portNumber: 8080, ...asUser, sharedMounts: [{ path: '/srv' }] }, { name: 'writer', image: 'busybox:1.36', ...asUser, sharedMounts: [{ path: '/out' }] }],
    })],
    ['IpcProducerConsumerPod (BOTH, /dev/shm)', (chart: Chart) => new IpcProducerConsumerPod(chart, 'pod', {
      readiness: IpcReadiness.posixSharedMemory('/OS'),
      startupGate: StartupGate.BOTH,
      shmSize: Size.mebibytes(64),
      producer: { image: 'p:1', command: ['./p'], ...asUser },
      consumer: { image: 'c:1', command: ['./c'], ...asUser },
    })],
    ['LocalhostSidecarPod', (chart: Chart) => new LocalhostSidecarPod(chart, 'pod', {
      main: { image: 'web:1', portNumber: 8080, ...asUser }, sidecars: [{ image: 'curl:1', ...asUser }],
    })],
    ['LocalhostSidecarPod with default security (runAsNonRoot, no user: the kubelet checks the image\'s user)', (chart: Chart) => new LocalhostSidecarPod(chart, 'pod', {
      main: { image: 'web:1', portNumber: 8080 }, sidecars: [{ image: 'curl:1' }],
    })],
  ])('%s whose containers run as non-root is "restricted"', (_name, build) => {
    expect(levelsOf(build)).toEqual({ Pod: 'restricted' });
  });

  test.each([
    ['Deployment', (chart: Chart) => new kplus.Deployment(chart, 'web', { replicas: 2 })],
    ['StatefulSet', (chart: Chart) => new kplus.StatefulSet(chart, 'web', { service: new kplus.Service(chart, 'headless', { clusterIP: 'None', ports: [{ port: 8080 }] }) })],
    ['DaemonSet', (chart: Chart) => new kplus.DaemonSet(chart, 'web')],
    ['Job', (chart: Chart) => new kplus.Job(chart, 'web')],
    ['CronJob', (chart: Chart) => new kplus.CronJob(chart, 'web', { schedule: Cron.daily() })],
  ])('every pattern on a %s, a native sidecar among them, is "restricted"', (kind, workload) => {
    const levels = levelsOf(chart => {
      const w = workload(chart);
      new LocalhostSidecars(chart, 'proxy', {
        workload: w,
        main: { name: 'app', image: 'app:1', portNumber: 8080, longRunning: kind === 'Job' || kind === 'CronJob' ? false : undefined, ...asUser },
        sidecars: [{ name: 'envoy', image: 'envoy:1', nativeSidecar: true, ...asUser }],
      });
      new SharedVolumes(chart, 'files', {
        workload: w,
        volumes: [{ name: 'out' }],
        containers: [{ name: 'writer', image: 'busybox:1.36', command: ['sh', '-c', 'date > /out/d'], ...asUser, sharedMounts: [{ path: '/out' }] }],
      }).addMounts(w.containers[0], [{ path: '/in', readOnly: true }]);
      new IpcProducerConsumer(chart, 'ipc', {
        workload: w,
        readiness: IpcReadiness.posixMessageQueue('/q'),
        producer: { name: 'producer', image: 'p:1', command: ['./p'], ...asUser },
        consumer: { name: 'consumer', image: 'c:1', command: ['./c'], ...asUser },
      });
    });
    expect(levels).toEqual({ [kind]: 'restricted' });
  });

  test('a root opt-out container (container and Pod ensureNonRoot: false) makes the Pod "baseline": non-root and its capabilities, nothing else', () => {
    const chart = new Chart(new App(), 'test');
    new SharedVolumePod(chart, 'pod', {
      securityContext: { ensureNonRoot: false },
      containers: [{ name: 'nginx', image: 'nginx:1.27', ...rootOptOut, sharedMounts: [{ path: '/usr/share/nginx/html', readOnly: true }] }, { name: 'writer', image: 'busybox:1.36', ...asUser, sharedMounts: [{ path: '/html' }] }],
    });
    const [template] = templates(chart).values();
    expect(podSecurityLevel(template.spec)).toBe('baseline');
    expect(podSecurityViolations(template.spec, 'restricted').map(v => [v.id, v.field])).toEqual([
      ['restricted: Running as Non-root', 'spec.securityContext.runAsNonRoot'],
      ['restricted: Running as Non-root', 'spec.containers[0].securityContext.runAsNonRoot'],
      ['restricted: Capabilities', 'spec.containers[0].securityContext.capabilities.drop'],
    ]);
  });

  test('a container added later through cdk8s-plus keeps only cdk8s-plus\'s defaults (no seccomp profile, capabilities kept): the Pod is "baseline"', () => {
    const chart = new Chart(new App(), 'test');
    const pod = new LocalhostSidecarPod(chart, 'pod', { main: { image: 'web:1', portNumber: 8080, ...asUser }, sidecars: [{ image: 'curl:1', ...asUser }] });
    pod.addContainer({ name: 'later', image: 'busybox:1.36', securityContext: { user: 1000 } });
    const [template] = templates(chart).values();
    expect(podSecurityViolations(template.spec, 'restricted').map(v => [v.id, v.field])).toEqual([
      ['restricted: Seccomp', 'spec.containers[2].securityContext.seccompProfile.type'],
      ['restricted: Capabilities', 'spec.containers[2].securityContext.capabilities.drop'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Every example

/**
 * The level of every example's Pods (chart id, as in examples/main.ts), and for each one that is
 * not "restricted", why. A new example goes here: add its chart id with its level (and reason).
 */
const EXAMPLE_LEVELS: Record<string, { readonly level: PodSecurityLevel; readonly reason?: string }> = {
  'mc1': { level: 'baseline', reason: 'stock nginx runs as root (binds port 80, writes /var/cache/nginx): ensureNonRoot: false on it and on the Pod' },
  'two-containers': { level: 'baseline', reason: 'stock nginx runs as root: ensureNonRoot: false on it and on the Pod' },
  'writer-reader': { level: 'restricted' },
  'mc2': { level: 'restricted' },
  'mc2-unordered': { level: 'restricted' },
  'shm-ipc': { level: 'restricted' },
  'localhost-sidecar': { level: 'baseline', reason: 'stock nginx runs as root: ensureNonRoot: false on it and on the Pod' },
  'mc1-deployment': { level: 'baseline', reason: 'stock nginx runs as root (binds port 80, writes /var/cache/nginx): ensureNonRoot: false on it and on the pod template' },
  'writer-reader-job': { level: 'restricted' },
  'localhost-daemonset': { level: 'baseline', reason: 'stock nginx runs as root: ensureNonRoot: false on it and on the pod template' },
  'composed': { level: 'baseline', reason: 'stock nginx (the web container) runs as root: ensureNonRoot: false on it and on the pod template' },
  'startup-order': { level: 'restricted' },
  'startup-order-compat': { level: 'restricted' },
  'job-log-shipper': { level: 'restricted' },
  'job-log-shipper-compat': { level: 'restricted' },
  'localhost-client': { level: 'baseline', reason: 'stock nginx runs as root: ensureNonRoot: false on it and on the Pod' },
  'localhost-client-compat': { level: 'baseline', reason: 'stock nginx runs as root: ensureNonRoot: false on it and on the Pod' },
};

describe('every example', () => {
  const app = buildExamples(Testing.app());
  const charts = app.charts.map(chart => chart.node.id);

  test('is in the table (add a new example to EXAMPLE_LEVELS with its level, and a reason unless it is "restricted")', () => {
    const missing = charts.filter(id => !(id in EXAMPLE_LEVELS));
    expect({ missingFromExampleLevels: missing }).toEqual({ missingFromExampleLevels: [] });
    const gone = Object.keys(EXAMPLE_LEVELS).filter(id => !charts.includes(id));
    expect({ inTableButNotAnExample: gone }).toEqual({ inTableButNotAnExample: [] });
  });

  test.each(charts)('%s has the level the table says, for the reason it gives', id => {
    const expected = EXAMPLE_LEVELS[id];
    if (!expected) throw new Error(`example "${id}" is missing from EXAMPLE_LEVELS in test/pod-security.test.ts: add it with its level`);
    const chart = app.charts.find(c => c.node.id === id)!;
    const found = templates(chart);
    expect(found.size).toBeGreaterThan(0);
    for (const [key, t] of found) {
      const level = podSecurityLevel(t.spec, t.metadata);
      const why = podSecurityViolations(t.spec, 'restricted', t.metadata).map(v => `${v.id} at ${v.field}: ${v.detail}`);
      const actual = { example: id, object: key, level, why: level === expected.level ? undefined : why };
      expect(actual).toEqual({ example: id, object: key, level: expected.level, why: undefined });
    }
    if (expected.level !== 'restricted') expect(expected.reason).toBeTruthy();
  });
});
