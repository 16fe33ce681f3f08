// The benchmark workload: N Pods of one pattern, built either with the library's construct
// ("lib") or by hand with cdk8s-plus-27 ("hand"). Both variants must render byte-identical
// YAML apart from the `cdk8s.io/metadata.addr` label (derived from the construct path);
// run.mjs checks that on every measured run.
//
// The props follow the examples: mc1 (SharedVolumePod), shm-ipc (IpcProducerConsumerPod with
// a POSIX shared-memory readiness condition and a memory-backed /dev/shm) and
// localhost-sidecar (LocalhostSidecarPod). Every Pod gets an explicit metadata.name.
//
// The hand-built variant never loads the library: it receives the consumer's wait script (the
// one text it copies from the library) from run.mjs through BENCH_IPC_WAIT_SCRIPT.

import { readFileSync } from 'fs';

export const PATTERNS = ['shared', 'ipc', 'sidecar'];

export const PATTERN_CLASS = {
  shared: 'SharedVolumePod',
  ipc: 'IpcProducerConsumerPod',
  sidecar: 'LocalhostSidecarPod',
};

const NGINX_IMAGE = 'nginx:1.27';
const DEBIAN_IMAGE = 'debian:bookworm-slim';
const PYTHON_IMAGE = 'python:3.12-slim';
const CURL_IMAGE = 'curlimages/curl:8.11.1';
const DEBIAN_ARGS = ['while true; do date >> /html/index.html; sleep 1; done'];
const FETCH_ARGS = ['while true; do curl -sS -w "\\nHTTP %{http_code}\\n" "$MAIN_URL"; sleep 5; done'];
// The shm-ipc example's scripts, from the files the example reads.
const WRITER = readFileSync(new URL('../examples/shm-writer.py', import.meta.url), 'utf8');
const READER = readFileSync(new URL('../examples/shm-reader.py', import.meta.url), 'utf8');

/** The shared-memory object the IPC consumer waits for. */
export const IPC_SHM_NAME = '/OS';

/** Constants both variants share, built from the loaded cdk8s / cdk8s-plus modules. */
function common(cdk8s, kplus) {
  return {
    SMALL: {
      cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
      memory: { request: cdk8s.Size.mebibytes(32), limit: cdk8s.Size.mebibytes(128) },
    },
    NGINX_RUNS_AS_ROOT: { ensureNonRoot: false, readOnlyRootFilesystem: false },
    AS_USER_1000: { user: 1000, group: 1000 },
    POD_WITH_ROOT_CONTAINER: { ensureNonRoot: false },
    CURL_USER: { user: 100, group: 101 },
  };
}

/**
 * Returns `add(chart, i)`, which adds Pod number i of `pattern` to `chart`.
 * @param variant 'lib' (the library's constructs) or 'hand' (plain cdk8s-plus-27)
 * @param mods { cdk8s, kplus, lib } (lib only for the 'lib' variant)
 */
export function podBuilder(variant, pattern, mods) {
  const { cdk8s, kplus, lib } = mods;
  const c = common(cdk8s, kplus);

  if (variant === 'lib') {
    switch (pattern) {
      case 'shared': return (chart, i) => new lib.SharedVolumePod(chart, `shared-${i}`, {
        metadata: { name: `shared-${i}` },
        securityContext: c.POD_WITH_ROOT_CONTAINER,
        volumes: [{ name: 'html' }],
        containers: [
          {
            name: '1st',
            image: NGINX_IMAGE,
            securityContext: c.NGINX_RUNS_AS_ROOT,
            resources: c.SMALL,
            sharedMounts: [{ path: '/usr/share/nginx/html' }],
          },
          {
            name: '2nd',
            image: DEBIAN_IMAGE,
            securityContext: c.AS_USER_1000,
            resources: c.SMALL,
            command: ['/bin/sh', '-c'],
            args: DEBIAN_ARGS,
            sharedMounts: [{ path: '/html' }],
          },
        ],
      });
      case 'ipc': return (chart, i) => new lib.IpcProducerConsumerPod(chart, `ipc-${i}`, {
        metadata: { name: `ipc-${i}` },
        readiness: lib.IpcReadiness.posixSharedMemory(IPC_SHM_NAME),
        shmSize: cdk8s.Size.mebibytes(64),
        producer: {
          name: 'writer',
          image: PYTHON_IMAGE,
          command: ['python3', '-c', WRITER],
          securityContext: c.AS_USER_1000,
          resources: c.SMALL,
        },
        consumer: {
          name: 'reader',
          image: PYTHON_IMAGE,
          command: ['python3', '-c', READER],
          securityContext: c.AS_USER_1000,
          resources: c.SMALL,
        },
      });
      case 'sidecar': return (chart, i) => new lib.LocalhostSidecarPod(chart, `sidecar-${i}`, {
        metadata: { name: `sidecar-${i}` },
        securityContext: c.POD_WITH_ROOT_CONTAINER,
        main: {
          name: 'nginx',
          image: NGINX_IMAGE,
          portNumber: 80,
          securityContext: c.NGINX_RUNS_AS_ROOT,
          resources: c.SMALL,
        },
        sidecars: [{
          name: 'fetcher',
          image: CURL_IMAGE,
          securityContext: c.CURL_USER,
          resources: c.SMALL,
          command: ['/bin/sh', '-c'],
          args: FETCH_ARGS,
        }],
      });
    }
  }

  if (variant === 'hand') {
    switch (pattern) {
      case 'shared': return (chart, i) => {
        const pod = new kplus.Pod(chart, `shared-${i}`, {
          metadata: { name: `shared-${i}` },
          securityContext: c.POD_WITH_ROOT_CONTAINER,
          restartPolicy: kplus.RestartPolicy.ALWAYS,
        });
        const html = kplus.Volume.fromEmptyDir(pod, 'html', 'html');
        pod.addVolume(html);
        pod.addContainer({
          name: '1st',
          image: NGINX_IMAGE,
          securityContext: c.NGINX_RUNS_AS_ROOT,
          resources: c.SMALL,
        }).mount('/usr/share/nginx/html', html);
        pod.addContainer({
          name: '2nd',
          image: DEBIAN_IMAGE,
          securityContext: c.AS_USER_1000,
          resources: c.SMALL,
          command: ['/bin/sh', '-c'],
          args: DEBIAN_ARGS,
        }).mount('/html', html);
        return pod;
      };
      case 'ipc': {
        const waitScript = process.env.BENCH_IPC_WAIT_SCRIPT;
        if (!waitScript) throw new Error('BENCH_IPC_WAIT_SCRIPT is not set (run.mjs passes the library\'s consumer wait script)');
        return (chart, i) => {
          const pod = new kplus.Pod(chart, `ipc-${i}`, {
            metadata: { name: `ipc-${i}` },
            restartPolicy: kplus.RestartPolicy.NEVER,
          });
          const writer = pod.addContainer({
            name: 'writer',
            image: PYTHON_IMAGE,
            command: ['python3', '-c', WRITER],
            securityContext: c.AS_USER_1000,
            resources: c.SMALL,
          });
          const reader = pod.addContainer({
            name: 'reader',
            image: PYTHON_IMAGE,
            command: ['/bin/sh', '-c', waitScript, 'wait-for-producer', 'python3', '-c', READER],
            securityContext: c.AS_USER_1000,
            resources: c.SMALL,
          });
          const shm = kplus.Volume.fromEmptyDir(pod, 'dshm', 'dshm', {
            medium: kplus.EmptyDirMedium.MEMORY,
            sizeLimit: cdk8s.Size.mebibytes(64),
          });
          writer.mount('/dev/shm', shm);
          reader.mount('/dev/shm', shm);
          return pod;
        };
      }
      case 'sidecar': return (chart, i) => {
        const pod = new kplus.Pod(chart, `sidecar-${i}`, {
          metadata: { name: `sidecar-${i}` },
          securityContext: c.POD_WITH_ROOT_CONTAINER,
          restartPolicy: kplus.RestartPolicy.ALWAYS,
        });
        pod.addContainer({
          name: 'nginx',
          image: NGINX_IMAGE,
          portNumber: 80,
          securityContext: c.NGINX_RUNS_AS_ROOT,
          resources: c.SMALL,
        });
        pod.addContainer({
          name: 'fetcher',
          image: CURL_IMAGE,
          securityContext: c.CURL_USER,
          resources: c.SMALL,
          command: ['/bin/sh', '-c'],
          args: FETCH_ARGS,
          envVariables: {
            MAIN_HOST: kplus.EnvValue.fromValue('localhost'),
            MAIN_PORT: kplus.EnvValue.fromValue('80'),
            MAIN_URL: kplus.EnvValue.fromValue('http://localhost:80'),
          },
        });
        return pod;
      };
    }
  }
  throw new Error(`unknown variant/pattern: ${variant}/${pattern}`);
}

/**
 * The YAML with what legitimately differs between the variants blanked: the value of the
 * `cdk8s.io/metadata.addr` label, a name plus hash derived from the construct path.
 */
export function normalizeYaml(yaml) {
  return yaml.replace(/^(\s*cdk8s\.io\/metadata\.addr: ).*$/gm, '$1<addr>');
}
