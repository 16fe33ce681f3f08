// One failing configuration per validation rule, each breaking that rule only. Used by
// error-messages.test.ts (message quality) and quoted, with its real message, in docs/validation.md.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IpcProducerConsumerPod, IpcReadiness, LocalhostSidecarPod, LocalhostSidecars, SharedVolumePod, SharedVolumes, StartupGate } from '../../src';

export interface RuleExample {
  readonly rule: string;
  /** Tells apart several examples of one rule (the message of each is quoted in docs/validation.md). */
  readonly variant?: string;
  /** The construct path the message must be prefixed with (`[app/pod]`). */
  readonly path: string;
  /** The field the message must start with. */
  readonly field: string;
  /** The value received, as the message must quote it. */
  readonly received: string;
  /** Words of the message that say what is allowed. */
  readonly allowed: string;
  /** Builds the failing construct in `chart` (id `pod`). */
  readonly build: (chart: Chart) => void;
}

const NGINX = 'nginx:1.27';
const BUSYBOX = 'busybox:1.36';

/** Two containers sharing the default volume: valid unless `change` breaks it. */
function sharedVolumePod(chart: Chart, change: (props: { containers: any[]; volumes?: any[]; initContainers?: any[] }) => void): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const props = {
    containers: [
      { name: 'web', image: NGINX, sharedMounts: [{ path: '/usr/share/nginx/html' }] },
      { name: 'writer', image: BUSYBOX, sharedMounts: [{ path: '/html' }] },
    ],
  };
  change(props);
  new SharedVolumePod(chart, 'pod', props);
}

export const RULE_EXAMPLES: RuleExample[] = [
  {
    rule: 'container-name-unique',
    path: 'app/pod',
    field: 'spec.containers[1].name',
    received: '"web"',
    allowed: 'names must be unique across containers and initContainers',
    build: chart => new LocalhostSidecarPod(chart, 'pod', { main: { name: 'web', image: NGINX, portNumber: 80 }, sidecars: [{ name: 'web', image: BUSYBOX }] }),
  },
  {
    rule: 'container-name-dns-label',
    path: 'app/pod',
    field: 'spec.containers[0].name',
    received: '"Web"',
    allowed: 'must consist of lowercase letters, digits and \'-\'',
    build: chart => new LocalhostSidecarPod(chart, 'pod', { main: { name: 'Web', image: NGINX, portNumber: 80 }, sidecars: [{ name: 'fetcher', image: BUSYBOX }] }),
  },
  {
    rule: 'volume-name-unique',
    path: 'app/pod',
    field: 'spec.volumes[1].name',
    received: '"shared-data"',
    allowed: 'is already used by spec.volumes[0]',
    build: chart => sharedVolumePod(chart, p => {
      p.initContainers = [{ name: 'setup', image: BUSYBOX, volumeMounts: [{ path: '/cache', volume: kplus.Volume.fromEmptyDir(chart, 'cache', 'shared-data') }] }];
    }),
  },
  {
    rule: 'volume-name-unique',
    variant: 'two shared volumes of one name',
    path: 'app/pod',
    field: 'volumes[1].name',
    received: '"html"',
    allowed: 'is declared twice',
    build: chart => sharedVolumePod(chart, p => {
      p.volumes = [{ name: 'html' }, { name: 'html' }];
      p.containers[0].sharedMounts[0].volume = 'html';
      p.containers[1].sharedMounts[0].volume = 'html';
    }),
  },
  {
    rule: 'volume-name-dns-label',
    variant: 'a shared volume',
    path: 'app/pod',
    field: 'volumes[0].name',
    received: '"Shared_Data"',
    allowed: 'must consist of lowercase letters, digits and \'-\'',
    build: chart => sharedVolumePod(chart, p => { p.volumes = [{ name: 'Shared_Data' }]; }),
  },
  {
    rule: 'volume-name-dns-label',
    variant: 'a volume of a container\'s own',
    path: 'app/pod',
    // Volumes render in mount order: the app containers' shared-data first, then the init container's.
    field: 'spec.volumes[1].name',
    received: '"Cache"',
    allowed: 'must consist of lowercase letters, digits and \'-\'',
    build: chart => sharedVolumePod(chart, p => {
      p.initContainers = [{ name: 'setup', image: BUSYBOX, volumeMounts: [{ path: '/cache', volume: kplus.Volume.fromEmptyDir(chart, 'cache', 'Cache') }] }];
    }),
  },
  {
    rule: 'port-unique-in-pod',
    path: 'app/pod',
    field: 'spec.containers[1].ports[0].containerPort',
    received: '8080/TCP',
    allowed: 'only one of them can bind it',
    build: chart => new LocalhostSidecarPod(chart, 'pod', { main: { name: 'web', image: NGINX, portNumber: 8080 }, sidecars: [{ name: 'metrics', image: BUSYBOX, portNumber: 8080 }] }),
  },
  {
    rule: 'port-unique-in-pod',
    variant: 'one port twice in a container',
    path: 'app/pod',
    field: 'spec.containers[0].ports[1].containerPort',
    received: '80/TCP',
    allowed: 'twice',
    build: chart => new LocalhostSidecarPod(chart, 'pod', { main: { name: 'web', image: NGINX, portNumber: 80, ports: [{ number: 80 }] }, sidecars: [{ name: 'fetcher', image: BUSYBOX }] }),
  },
  {
    rule: 'port-unique-in-pod',
    variant: 'port and portNumber',
    path: 'app/pod',
    field: 'main.port',
    received: 'port (80) and portNumber (8080)',
    allowed: 'sets both',
    build: chart => new LocalhostSidecarPod(chart, 'pod', { main: { name: 'web', image: NGINX, port: 80, portNumber: 8080 }, sidecars: [{ name: 'fetcher', image: BUSYBOX }] }),
  },
  {
    rule: 'port-unique-in-pod',
    variant: 'port and portNumber of an unnamed init container',
    path: 'app/pod',
    field: 'initContainers[0].port',
    received: 'port (80) and portNumber (8080)',
    allowed: 'sets both',
    build: chart => new LocalhostSidecarPod(chart, 'pod', {
      initContainers: [{ image: BUSYBOX, port: 80, portNumber: 8080 }],
      main: { name: 'web', image: NGINX, portNumber: 80 },
      sidecars: [{ name: 'fetcher', image: BUSYBOX }],
    }),
  },
  {
    rule: 'port-range',
    path: 'app/pod',
    field: 'spec.containers[0].ports[0].containerPort',
    received: '70000',
    allowed: 'ports must be whole numbers from 1 to 65535',
    build: chart => new LocalhostSidecarPod(chart, 'pod', { main: { name: 'web', image: NGINX, portNumber: 70000 }, sidecars: [{ name: 'fetcher', image: BUSYBOX }] }),
  },
  {
    rule: 'port-name-unique',
    path: 'app/pod',
    field: 'spec.containers[0].ports[1].name',
    received: '"http"',
    allowed: 'twice',
    build: chart => new LocalhostSidecarPod(chart, 'pod', {
      main: { name: 'web', image: NGINX, ports: [{ number: 80, name: 'http' }, { number: 8080, name: 'http' }] },
      sidecars: [{ name: 'fetcher', image: BUSYBOX }],
    }),
  },
  {
    rule: 'port-name-valid',
    path: 'app/pod',
    field: 'spec.containers[0].ports[0].name',
    received: '"http_metrics"',
    allowed: 'at most 15 lowercase letters, digits and single inner \'-\', with at least one letter',
    build: chart => new LocalhostSidecarPod(chart, 'pod', {
      main: { name: 'web', image: NGINX, ports: [{ number: 9090, name: 'http_metrics' }] },
      sidecars: [{ name: 'fetcher', image: BUSYBOX }],
    }),
  },
  {
    rule: 'host-port-unique',
    path: 'app/pod',
    field: 'spec.containers[1].ports[0].hostPort',
    received: '8080/TCP',
    allowed: 'a node port can be bound once',
    build: chart => new LocalhostSidecarPod(chart, 'pod', {
      main: { name: 'web', image: NGINX, ports: [{ number: 80, hostPort: 8080 }] },
      sidecars: [{ name: 'metrics', image: BUSYBOX, ports: [{ number: 9090, hostPort: 8080 }] }],
    }),
  },
  {
    rule: 'mount-path-unique',
    path: 'app/pod',
    field: 'spec.containers[0].volumeMounts[1].mountPath',
    received: '"/data"',
    allowed: 'twice',
    build: chart => sharedVolumePod(chart, p => {
      p.volumes = [{ name: 'html' }, { name: 'logs' }];
      p.containers = [
        { name: 'web', image: NGINX, sharedMounts: [{ path: '/data', volume: 'html' }, { path: '/data', volume: 'logs' }] },
        { name: 'writer', image: BUSYBOX, sharedMounts: [{ path: '/html', volume: 'html' }, { path: '/logs', volume: 'logs' }] },
      ];
    }),
  },
  {
    rule: 'mount-path-valid',
    path: 'app/pod',
    field: 'spec.containers[1].volumeMounts[0].mountPath',
    received: '"html"',
    allowed: 'not an absolute path',
    build: chart => sharedVolumePod(chart, p => { p.containers[1].sharedMounts[0].path = 'html'; }),
  },
  {
    rule: 'mount-sub-path-valid',
    path: 'app/pod',
    field: 'spec.containers[0].volumeMounts[0].subPath',
    received: '"../secrets"',
    allowed: 'a sub-path must be relative and must not contain \'..\'',
    build: chart => sharedVolumePod(chart, p => { p.containers[0].sharedMounts[0].subPath = '../secrets'; }),
  },
  {
    rule: 'image-set',
    path: 'app/pod',
    field: 'spec.containers[1].image',
    received: 'received ""',
    allowed: 'empty image',
    build: chart => new LocalhostSidecarPod(chart, 'pod', { main: { name: 'web', image: NGINX, portNumber: 80 }, sidecars: [{ name: 'fetcher', image: '' }] }),
  },
  {
    rule: 'yaml-safe-strings',
    path: 'app/pod',
    field: 'spec.containers[1].command[2]',
    received: '"\\n\\twhile true; do date > /html/index.html; sleep 5; done"',
    allowed: 'multi-line text must not start with a space, tab or line break',
    build: chart => sharedVolumePod(chart, p => {
      // A template literal that opens with a line break, its body indented with a tab.
      p.containers[1].command = ['/bin/sh', '-c', '\n\twhile true; do date > /html/index.html; sleep 5; done'];
    }),
  },
  {
    rule: 'yaml-safe-strings',
    variant: 'a long tab-indented script',
    path: 'app/pod',
    field: 'spec.containers[1].command[2]',
    // Longer than 60 characters: the message quotes the first 57.
    received: '"\\tuntil [ -s /html/index.html ]; do sleep 1; done\\n\\texec ht..."',
    allowed: 'multi-line text must not start with a space, tab or line break',
    build: chart => sharedVolumePod(chart, p => {
      p.containers[1].command = ['/bin/sh', '-c', '\tuntil [ -s /html/index.html ]; do sleep 1; done\n\texec httpd -f -p 8080 -h /html'];
    }),
  },
  {
    rule: 'yaml-safe-strings',
    variant: 'an environment variable',
    path: 'app/pod',
    field: 'spec.containers[1].env[0].value',
    received: 'the environment variable "BANNER" to "\\n  served by the writer"',
    allowed: 'multi-line text must not start with a space, tab or line break',
    build: chart => sharedVolumePod(chart, p => {
      p.containers[1].envVariables = { BANNER: kplus.EnvValue.fromValue('\n  served by the writer') };
    }),
  },
  {
    rule: 'init-container-probes',
    path: 'app/pod',
    field: 'initContainers[0].readiness',
    received: 'has a readiness probe',
    allowed: 'init containers run to completion and take no probes',
    build: chart => sharedVolumePod(chart, p => {
      p.initContainers = [{ name: 'setup', image: BUSYBOX, readiness: kplus.Probe.fromCommand(['test', '-d', '/html']) }];
    }),
  },
  {
    rule: 'mount-volume-exists',
    path: 'app/pod',
    field: 'containers[1].sharedMounts[1].volume',
    received: '"html"',
    allowed: 'the Pod\'s volumes are "shared-data"',
    build: chart => sharedVolumePod(chart, p => {
      p.containers[1] = { name: 'writer', image: BUSYBOX, sharedMounts: [{ path: '/html' }, { path: '/in', volume: 'html' }] };
    }),
  },
  {
    rule: 'size-limit-valid',
    path: 'app/pod',
    field: 'volumes[0].sizeLimit (volume "shared-data")',
    received: '0.0009765625 MiB',
    allowed: 'positive whole number of mebibytes',
    build: chart => sharedVolumePod(chart, p => { p.volumes = [{ name: 'shared-data', medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: Size.kibibytes(1) }]; }),
  },
  {
    rule: 'container-count',
    path: 'app/pod',
    field: 'spec.containers',
    received: 'received 1',
    allowed: 'needs at least 2 containers',
    build: chart => new LocalhostSidecarPod(chart, 'pod', { main: { name: 'web', image: NGINX, portNumber: 80 }, sidecars: [] }),
  },
  {
    rule: 'container-count',
    variant: 'only native sidecars',
    path: 'app/pod',
    field: 'spec.template.spec.containers',
    received: 'received 0 (and 2 native sidecars, which do not count)',
    allowed: 'needs at least 1 app container',
    build: chart => {
      const web = new kplus.Deployment(chart, 'pod');
      new SharedVolumes(chart, 'files', {
        workload: web,
        containers: [
          { name: 'writer', image: BUSYBOX, nativeSidecar: true, longRunning: true, sharedMounts: [{ path: '/out' }] },
          { name: 'reader', image: BUSYBOX, nativeSidecar: true, longRunning: true, sharedMounts: [{ path: '/in' }] },
        ],
      });
    },
  },
  {
    rule: 'shared-volume-shared',
    path: 'app/pod',
    field: 'volumes[0] (volume "shared-data")',
    received: 'only "web" mounts it',
    allowed: 'must be mounted by at least 2 containers',
    build: chart => sharedVolumePod(chart, p => { p.containers[1] = { name: 'writer', image: BUSYBOX }; }),
  },
  {
    rule: 'ipc-readiness-valid',
    path: 'app/pod',
    field: 'readiness',
    received: 'received "/"',
    allowed: '"/" followed by 1 to 255 characters without "/"',
    build: chart => new IpcProducerConsumerPod(chart, 'pod', {
      readiness: IpcReadiness.posixMessageQueue('/'),
      producer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-producer'] },
      consumer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-consumer'] },
    }),
  },
  {
    rule: 'ipc-consumer-command',
    path: 'app/pod',
    field: 'consumer.command',
    received: 'received undefined',
    allowed: 'must wait for POSIX message queue /ch6_ipc',
    build: chart => new IpcProducerConsumerPod(chart, 'pod', {
      readiness: IpcReadiness.posixMessageQueue('/ch6_ipc'),
      producer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-producer'] },
      consumer: { image: 'allingeek/ch6_ipc' },
    }),
  },
  {
    rule: 'ipc-producer-post-start',
    path: 'app/pod',
    field: 'producer.lifecycle.postStart',
    received: 'already has a postStart hook',
    allowed: 'startupGate BOTH needs it',
    build: chart => new IpcProducerConsumerPod(chart, 'pod', {
      readiness: IpcReadiness.posixMessageQueue('/ch6_ipc'),
      startupGate: StartupGate.BOTH,
      producer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-producer'], lifecycle: { postStart: kplus.Handler.fromCommand(['touch', '/tmp/started']) } },
      consumer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-consumer'] },
    }),
  },
  {
    rule: 'shm-mounted-everywhere',
    path: 'app/pod',
    field: 'spec.containers[2].volumeMounts',
    received: 'container "metrics"',
    allowed: 'does not mount the shared memory volume "dshm" at /dev/shm',
    build: chart => {
      const pod = new IpcProducerConsumerPod(chart, 'pod', {
        readiness: IpcReadiness.posixSharedMemory('/OS'),
        shmSize: Size.mebibytes(64),
        producer: { name: 'writer', image: 'python:3.12-slim', command: ['python3', 'writer.py'] },
        consumer: { name: 'reader', image: 'python:3.12-slim', command: ['python3', 'reader.py'] },
      });
      pod.pod.addContainer({ name: 'metrics', image: BUSYBOX });
    },
  },
  {
    rule: 'localhost-main-port',
    path: 'app/pod',
    field: 'main.ports',
    received: '"web" declares no port',
    allowed: 'no localhost address to reach it on',
    build: chart => new LocalhostSidecarPod(chart, 'pod', { main: { name: 'web', image: NGINX }, sidecars: [{ name: 'fetcher', image: BUSYBOX }] }),
  },
  {
    rule: 'localhost-main-port',
    variant: 'a port changed after the sidecars were added',
    path: 'app/pod',
    field: 'main.ports[0]',
    received: 'now declares port 9090 first, but its sidecars were told 8080',
    allowed: 'MAIN_PORT, MAIN_URL',
    build: chart => {
      const port = { number: 8080 };
      new LocalhostSidecarPod(chart, 'pod', { main: { name: 'web', image: NGINX, ports: [port] }, sidecars: [{ name: 'fetcher', image: BUSYBOX }] });
      port.number = 9090;
    },
  },
  {
    rule: 'workload-restart-policy',
    variant: 'Deployment',
    path: 'app/pod',
    field: 'spec.template.spec.restartPolicy',
    received: 'received "Never"',
    allowed: 'accepts only restartPolicy "Always"',
    build: chart => {
      const web = new kplus.Deployment(chart, 'pod', { restartPolicy: kplus.RestartPolicy.NEVER });
      new SharedVolumes(chart, 'content', {
        workload: web,
        containers: [
          { name: 'web', image: NGINX, sharedMounts: [{ path: '/usr/share/nginx/html' }] },
          { name: 'writer', image: BUSYBOX, sharedMounts: [{ path: '/html' }] },
        ],
      });
    },
  },
  {
    rule: 'workload-restart-policy',
    variant: 'Job',
    path: 'app/pod',
    field: 'spec.template.spec.restartPolicy',
    received: 'refuses restartPolicy "Always"',
    allowed: 'run to completion',
    build: chart => {
      const job = new kplus.Job(chart, 'pod', { restartPolicy: kplus.RestartPolicy.ALWAYS });
      new SharedVolumes(chart, 'files', {
        workload: job,
        containers: [
          { name: 'writer', image: BUSYBOX, command: ['sh', '-c', 'date > /out/now'], sharedMounts: [{ path: '/out' }] },
          { name: 'reader', image: BUSYBOX, command: ['cat', '/in/now'], sharedMounts: [{ path: '/in' }] },
        ],
      });
    },
  },
  {
    rule: 'job-long-running-helper',
    path: 'app/pod',
    field: 'spec.template.spec.containers[0]',
    received: 'container "proxy" keeps running (it declares port 8080',
    allowed: 'completes only when every app container has exited',
    build: chart => {
      const job = new kplus.Job(chart, 'pod');
      new LocalhostSidecars(chart, 'client', {
        workload: job,
        main: { name: 'proxy', image: BUSYBOX, portNumber: 8080 },
        sidecars: [{ name: 'work', image: BUSYBOX, command: ['wget', '-qO-', 'http://localhost:8080/'] }],
      });
    },
  },
  {
    rule: 'statefulset-service-ports',
    path: 'app/pod',
    field: 'spec.template.spec.containers[1].ports[0]',
    received: 'declares port 9100/TCP',
    allowed: 'does not list',
    build: chart => {
      const db = new kplus.StatefulSet(chart, 'pod', { containers: [{ name: 'db', image: BUSYBOX, portNumber: 5432 }] });
      new LocalhostSidecars(chart, 'metrics', {
        workload: db,
        main: { name: 'exporter', image: BUSYBOX, portNumber: 9100 },
        sidecars: [],
      });
    },
  },
  {
    rule: 'native-sidecar-restart-policy',
    path: 'app/logs',
    field: 'containers[1].restartPolicy',
    received: 'received "Always"',
    allowed: 'has no container restartPolicy',
    build: chart => {
      const job = new kplus.Job(chart, 'pod');
      new SharedVolumes(chart, 'logs', {
        workload: job,
        containers: [
          { name: 'work', image: BUSYBOX, command: ['sh', '-c', 'date > /logs/run.log'], sharedMounts: [{ path: '/logs' }] },
          { name: 'shipper', image: BUSYBOX, command: ['tail', '-F', '/logs/run.log'], sharedMounts: [{ path: '/logs', readOnly: true }], restartPolicy: 'Always' } as any, // eslint-disable-line @typescript-eslint/no-explicit-any
        ],
      });
    },
  },
  {
    rule: 'native-sidecar-exits',
    path: 'app/pod',
    field: 'producer.longRunning',
    received: 'received undefined',
    allowed: 'restarts whenever it exits',
    build: chart => new IpcProducerConsumerPod(chart, 'pod', {
      readiness: IpcReadiness.posixMessageQueue('/ch6_ipc'),
      startupGate: StartupGate.NATIVE_SIDECAR,
      producer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-producer'] },
      consumer: { image: 'allingeek/ch6_ipc', command: ['./ipc', '-consumer'] },
    }),
  },
  {
    rule: 'ipc-producer-startup-probe',
    path: 'app/pod',
    field: 'producer.startup',
    received: 'already has a startup probe',
    allowed: 'startupGate NATIVE_SIDECAR needs it',
    build: chart => new IpcProducerConsumerPod(chart, 'pod', {
      readiness: IpcReadiness.posixMessageQueue('/jobs'),
      startupGate: StartupGate.NATIVE_SIDECAR,
      producer: { image: 'queue-server:1', longRunning: true, startup: kplus.Probe.fromCommand(['true']) },
      consumer: { image: 'worker:1', command: ['work'] },
    }),
  },
  {
    rule: 'image-valid',
    path: 'app/pod',
    field: 'spec.containers[1].image',
    received: '" busybox:1.36"',
    allowed: 'not an image reference the kubelet can pull',
    build: chart => sharedVolumePod(chart, p => {
      p.containers[1].image = ' busybox:1.36';
    }),
  },
  {
    rule: 'string-passable',
    path: 'app/pod',
    field: 'spec.containers[1].args[0]',
    received: 'holds a NUL character',
    allowed: 'NUL-terminated strings',
    build: chart => sharedVolumePod(chart, p => {
      p.containers[1].args = ['date\0> /html/index.html'];
    }),
  },
  {
    rule: 'env-name-valid',
    path: 'app/pod',
    field: 'spec.containers[1].env[0].name',
    received: '"MAIN URL"',
    allowed: 'accepts names of letters, digits',
    build: chart => sharedVolumePod(chart, p => {
      p.containers[1].envVariables = { 'MAIN URL': kplus.EnvValue.fromValue('http://localhost') };
    }),
  },
  {
    rule: 'quantity-valid',
    path: 'app/pod',
    field: 'spec.containers[1].resources.limits.memory',
    received: '1e+21 MiB',
    allowed: 'whole mebibytes',
    build: chart => sharedVolumePod(chart, p => {
      p.containers[1].resources = { memory: { limit: Size.mebibytes(1e21) } };
    }),
  },
  {
    rule: 'quantity-valid',
    variant: 'ephemeral storage',
    path: 'app/pod',
    field: 'spec.containers[1].resources.requests.ephemeral-storage',
    received: '0.5 GiB of ephemeral storage',
    allowed: 'whole gibibytes',
    build: chart => sharedVolumePod(chart, p => {
      p.containers[1].resources = { ephemeralStorage: { request: Size.mebibytes(512) } };
    }),
  },
  {
    rule: 'metadata-name-valid',
    path: 'app/pod',
    field: 'metadata.name',
    received: '"Web_1"',
    allowed: 'must be a DNS-1123 subdomain',
    build: chart => sharedVolumePod(chart, p => {
      (p as any).metadata = { name: 'Web_1' }; // eslint-disable-line @typescript-eslint/no-explicit-any
    }),
  },
  {
    rule: 'duration-valid',
    path: 'app/pod',
    field: 'spec.terminationGracePeriodSeconds',
    received: 'received 1.5 seconds',
    allowed: 'whole, non-negative number of seconds',
    build: chart => sharedVolumePod(chart, p => {
      (p as any).terminationGracePeriod = Duration.millis(1500); // eslint-disable-line @typescript-eslint/no-explicit-any
    }),
  },
  {
    rule: 'required-prop',
    path: 'app/pod',
    field: 'containers',
    received: 'received {"name":"writer"',
    allowed: 'a list of container props is required',
    build: chart => {
      // A JavaScript caller passing one container props object where a list is expected.
      const web = new kplus.Deployment(chart, 'web', { containers: [{ name: 'web', image: NGINX }] });
      new SharedVolumes(chart, 'pod', { workload: web, volumes: [], containers: { name: 'writer', image: BUSYBOX } } as any); // eslint-disable-line @typescript-eslint/no-explicit-any
    },
  },
];

/** Builds the example in a fresh app (chart `app`) and returns the validation error's text, or undefined when synth succeeds. */
export function synthError(example: RuleExample): string | undefined {
  const app = new App();
  example.build(new Chart(app, 'app'));
  try {
    app.synthYaml();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}
