// The benchmark workload: N workloads of one (pattern, kind), built either with the library's
// constructs ("lib") or by hand with cdk8s-plus-27 ("hand"). Both variants must render
// byte-identical YAML apart from the `cdk8s.io/metadata.addr` label (derived from the construct
// path); run.mjs checks that on every measured run.
//
// Kinds: `pod` (the Pod constructs: SharedVolumePod, IpcProducerConsumerPod, LocalhostSidecarPod),
// `deployment` and `job` (the workload constructs SharedVolumes, IpcProducerConsumer,
// LocalhostSidecars applied with `workload:` to a kplus.Deployment / kplus.Job).
//
// The props follow the examples: mc1 (shared volume), shm-ipc (IPC with a POSIX shared-memory
// readiness condition and a memory-backed /dev/shm) and localhost-sidecar. A Job's Pod completes
// only when every app container has exited (the library's rule job-long-running-helper, in
// src/_workload.ts), so the Job kind uses helpers that do:
//   shared:  a writer that writes the page once and exits, and a reader that waits for it,
//            prints it and exits (nginx, a server, has no place in a Job);
//   ipc:     the shm-ipc containers as in the Pod (both exit when done);
//   sidecar: nginx as a native sidecar (`nativeSidecar: true, longRunning: true`, Kubernetes
//            >= 1.29: an init container with restartPolicy Always and cdk8s-plus's TCP startup
//            probe on port 80), and a curl client that fetches $MAIN_URL once and exits.
// The Deployment kind uses the Pod's containers (the shm-ipc containers then exit and are
// restarted by the Deployment: a realistic synth, not a realistic Deployment).
// Every workload gets an explicit metadata.name.
//
// The hand-built variant never loads the library. It writes what the library adds that
// cdk8s-plus-27 cannot express as a hand-writer would: `imagePullPolicy: IfNotPresent` (tagged
// images), and with JSON patches (cdk8s's escape hatch) each container's
// `securityContext.seccompProfile: RuntimeDefault` and, for containers that run as non-root,
// `capabilities.drop: [ALL]`. A native sidecar's `restartPolicy: Always` and `startupProbe`
// cannot go in a JSON patch (cdk8s-plus-27's Kube* objects filter the patched JSON through the
// 1.27 schema, which has neither on an init container), so for that one case the hand-built Job
// wraps its ApiObject's toJson() and adds them to the rendered init container. The one text it
// copies from the library, the IPC consumer's wait command (`readiness.waitCommand()`: the fixed
// script IpcReadiness.WAIT_SCRIPT and its arguments), comes from run.mjs in
// BENCH_IPC_WAIT_COMMAND (a JSON array).

import { readFileSync } from 'fs';

export const PATTERNS = ['shared', 'ipc', 'sidecar'];
export const KINDS = ['pod', 'deployment', 'job'];

/** The library construct measured for each pattern: the Pod form, and the workload form. */
const PATTERN_CLASS = {
  shared: { pod: 'SharedVolumePod', workload: 'SharedVolumes' },
  ipc: { pod: 'IpcProducerConsumerPod', workload: 'IpcProducerConsumer' },
  sidecar: { pod: 'LocalhostSidecarPod', workload: 'LocalhostSidecars' },
};
const KIND_NAME = { pod: 'Pod', deployment: 'Deployment', job: 'Job' };

/** How tables name a (pattern, kind): the library construct and the workload kind. */
export function caseLabel(pattern, kind) {
  return kind === 'pod' ? `${PATTERN_CLASS[pattern].pod} | Pod` : `${PATTERN_CLASS[pattern].workload} | ${KIND_NAME[kind]}`;
}

const NGINX_IMAGE = 'nginx:1.27';
const DEBIAN_IMAGE = 'debian:bookworm-slim';
const PYTHON_IMAGE = 'python:3.12-slim';
const CURL_IMAGE = 'curlimages/curl:8.11.1';
const DEBIAN_ARGS = ['while true; do date >> /html/index.html; sleep 1; done'];
const FETCH_ARGS = ['while true; do curl -sS -w "\\nHTTP %{http_code}\\n" "$MAIN_URL"; sleep 5; done'];
// The Job forms: helpers that exit when done.
const WRITE_ONCE_ARGS = ['date > /html/index.html.tmp && mv /html/index.html.tmp /html/index.html'];
const READ_ONCE_ARGS = ['until [ -s /html/index.html ]; do sleep 1; done; cat /html/index.html'];
const FETCH_ONCE_ARGS = ['curl -sS --retry 10 --retry-connrefused --retry-delay 1 "$MAIN_URL"'];
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
 * Returns `add(chart, i)`, which adds workload number i of (`pattern`, `kind`) to `chart`.
 * @param variant 'lib' (the library's constructs) or 'hand' (plain cdk8s-plus-27)
 * @param kind 'pod', 'deployment' or 'job'
 * @param mods { cdk8s, kplus, lib } (lib only for the 'lib' variant)
 */
export function podBuilder(variant, pattern, kind, mods) {
  if (!PATTERNS.includes(pattern) || !KINDS.includes(kind)) throw new Error(`unknown pattern/kind: ${pattern}/${kind}`);
  if (variant === 'lib') return libBuilder(pattern, kind, mods);
  if (variant === 'hand') return handBuilder(pattern, kind, mods);
  throw new Error(`unknown variant: ${variant}`);
}

// ---------------------------------------------------------------------------------------------
// The library's constructs.

function libBuilder(pattern, kind, { cdk8s, kplus, lib }) {
  const c = common(cdk8s, kplus);
  const job = kind === 'job';
  /** The workload of the workload forms (deployment, job): plain cdk8s-plus. */
  const workload = (chart, id, props) => kind === 'deployment' ? new kplus.Deployment(chart, id, props) : new kplus.Job(chart, id, props);

  switch (pattern) {
    case 'shared': {
      const securityContext = job ? undefined : c.POD_WITH_ROOT_CONTAINER;
      const volumes = [{ name: 'html' }];
      const containers = job ? [
        { name: 'writer', image: DEBIAN_IMAGE, securityContext: c.AS_USER_1000, resources: c.SMALL,
          command: ['/bin/sh', '-c'], args: WRITE_ONCE_ARGS, sharedMounts: [{ path: '/html' }] },
        { name: 'reader', image: DEBIAN_IMAGE, securityContext: c.AS_USER_1000, resources: c.SMALL,
          command: ['/bin/sh', '-c'], args: READ_ONCE_ARGS, sharedMounts: [{ path: '/html', readOnly: true }] },
      ] : [
        { name: '1st', image: NGINX_IMAGE, securityContext: c.NGINX_RUNS_AS_ROOT, resources: c.SMALL,
          sharedMounts: [{ path: '/usr/share/nginx/html' }] },
        { name: '2nd', image: DEBIAN_IMAGE, securityContext: c.AS_USER_1000, resources: c.SMALL,
          command: ['/bin/sh', '-c'], args: DEBIAN_ARGS, sharedMounts: [{ path: '/html' }] },
      ];
      if (kind === 'pod') {
        return (chart, i) => new lib.SharedVolumePod(chart, `shared-${i}`, { metadata: { name: `shared-${i}` }, securityContext, volumes, containers });
      }
      return (chart, i) => {
        const w = workload(chart, `shared-${i}`, { metadata: { name: `shared-${i}` }, securityContext });
        new lib.SharedVolumes(chart, `shared-${i}-content`, { workload: w, volumes, containers });
        return w;
      };
    }
    case 'ipc': {
      const props = {
        readiness: lib.IpcReadiness.posixSharedMemory(IPC_SHM_NAME),
        shmSize: cdk8s.Size.mebibytes(64),
        producer: { name: 'writer', image: PYTHON_IMAGE, command: ['python3', '-c', WRITER], securityContext: c.AS_USER_1000, resources: c.SMALL },
        consumer: { name: 'reader', image: PYTHON_IMAGE, command: ['python3', '-c', READER], securityContext: c.AS_USER_1000, resources: c.SMALL },
      };
      if (kind === 'pod') {
        return (chart, i) => new lib.IpcProducerConsumerPod(chart, `ipc-${i}`, { metadata: { name: `ipc-${i}` }, ...props });
      }
      return (chart, i) => {
        const w = workload(chart, `ipc-${i}`, { metadata: { name: `ipc-${i}` } });
        new lib.IpcProducerConsumer(chart, `ipc-${i}-queue`, { workload: w, ...props });
        return w;
      };
    }
    case 'sidecar': {
      const securityContext = c.POD_WITH_ROOT_CONTAINER;
      const main = job
        ? { name: 'nginx', image: NGINX_IMAGE, portNumber: 80, securityContext: c.NGINX_RUNS_AS_ROOT, resources: c.SMALL, nativeSidecar: true, longRunning: true }
        : { name: 'nginx', image: NGINX_IMAGE, portNumber: 80, securityContext: c.NGINX_RUNS_AS_ROOT, resources: c.SMALL };
      const sidecars = [{ name: 'fetcher', image: CURL_IMAGE, securityContext: c.CURL_USER, resources: c.SMALL,
        command: ['/bin/sh', '-c'], args: job ? FETCH_ONCE_ARGS : FETCH_ARGS }];
      if (kind === 'pod') {
        return (chart, i) => new lib.LocalhostSidecarPod(chart, `sidecar-${i}`, { metadata: { name: `sidecar-${i}` }, securityContext, main, sidecars });
      }
      return (chart, i) => {
        const w = workload(chart, `sidecar-${i}`, { metadata: { name: `sidecar-${i}` }, securityContext });
        new lib.LocalhostSidecars(chart, `sidecar-${i}-site`, { workload: w, main, sidecars });
        return w;
      };
    }
  }
  throw new Error(`unknown pattern: ${pattern}`);
}

// ---------------------------------------------------------------------------------------------
// The same workloads, written by hand with cdk8s-plus-27 and cdk8s's JSON patches.

function handBuilder(pattern, kind, { cdk8s, kplus }) {
  const c = common(cdk8s, kplus);
  const job = kind === 'job';
  const IF_NOT_PRESENT = kplus.ImagePullPolicy.IF_NOT_PRESENT;
  /** Where the pod spec is in the kind's JSON, for the patches. */
  const spec = kind === 'pod' ? '/spec' : '/spec/template/spec';
  /** The workload; a bare Pod states its restart policy, as the Pod constructs do. */
  const workload = (chart, id, props, podRestartPolicy) => {
    switch (kind) {
      case 'pod': return new kplus.Pod(chart, id, { ...props, restartPolicy: podRestartPolicy });
      case 'deployment': return new kplus.Deployment(chart, id, props);
      case 'job': return new kplus.Job(chart, id, props);
    }
    throw new Error(`unknown kind: ${kind}`);
  };
  /**
   * Pod Security "restricted" fields on container `i` of `list` (containers, initContainers):
   * the runtime's default seccomp profile, and for a container running as non-root no capabilities.
   */
  const restrict = (w, list, i, nonRoot) => {
    const api = cdk8s.ApiObject.of(w);
    api.addJsonPatch(cdk8s.JsonPatch.add(`${spec}/${list}/${i}/securityContext/seccompProfile`, { type: 'RuntimeDefault' }));
    if (nonRoot) api.addJsonPatch(cdk8s.JsonPatch.add(`${spec}/${list}/${i}/securityContext/capabilities`, { drop: ['ALL'] }));
  };

  switch (pattern) {
    case 'shared': return (chart, i) => {
      const w = workload(chart, `shared-${i}`, { metadata: { name: `shared-${i}` }, securityContext: job ? undefined : c.POD_WITH_ROOT_CONTAINER },
        kplus.RestartPolicy.ALWAYS);
      const html = kplus.Volume.fromEmptyDir(w, 'html', 'html');
      w.addVolume(html);
      if (job) {
        w.addContainer({ name: 'writer', image: DEBIAN_IMAGE, imagePullPolicy: IF_NOT_PRESENT, securityContext: c.AS_USER_1000, resources: c.SMALL,
          command: ['/bin/sh', '-c'], args: WRITE_ONCE_ARGS }).mount('/html', html);
        w.addContainer({ name: 'reader', image: DEBIAN_IMAGE, imagePullPolicy: IF_NOT_PRESENT, securityContext: c.AS_USER_1000, resources: c.SMALL,
          command: ['/bin/sh', '-c'], args: READ_ONCE_ARGS }).mount('/html', html, { readOnly: true });
        restrict(w, 'containers', 0, true);
        restrict(w, 'containers', 1, true);
      } else {
        w.addContainer({ name: '1st', image: NGINX_IMAGE, imagePullPolicy: IF_NOT_PRESENT, securityContext: c.NGINX_RUNS_AS_ROOT, resources: c.SMALL })
          .mount('/usr/share/nginx/html', html);
        w.addContainer({ name: '2nd', image: DEBIAN_IMAGE, imagePullPolicy: IF_NOT_PRESENT, securityContext: c.AS_USER_1000, resources: c.SMALL,
          command: ['/bin/sh', '-c'], args: DEBIAN_ARGS }).mount('/html', html);
        restrict(w, 'containers', 0, false); // nginx runs as root: it keeps its capabilities
        restrict(w, 'containers', 1, true);
      }
      return w;
    };
    case 'ipc': {
      const waitCommand = JSON.parse(process.env.BENCH_IPC_WAIT_COMMAND ?? 'null');
      if (!Array.isArray(waitCommand)) throw new Error('BENCH_IPC_WAIT_COMMAND is not set (run.mjs passes the library\'s consumer wait command as a JSON array)');
      const readerCommand = [...waitCommand, 'python3', '-c', READER];
      return (chart, i) => {
        const w = workload(chart, `ipc-${i}`, { metadata: { name: `ipc-${i}` } }, kplus.RestartPolicy.NEVER);
        const writer = w.addContainer({ name: 'writer', image: PYTHON_IMAGE, imagePullPolicy: IF_NOT_PRESENT, command: ['python3', '-c', WRITER],
          securityContext: c.AS_USER_1000, resources: c.SMALL });
        const reader = w.addContainer({ name: 'reader', image: PYTHON_IMAGE, imagePullPolicy: IF_NOT_PRESENT, command: readerCommand,
          securityContext: c.AS_USER_1000, resources: c.SMALL });
        const shm = kplus.Volume.fromEmptyDir(w, 'dshm', 'dshm', { medium: kplus.EmptyDirMedium.MEMORY, sizeLimit: cdk8s.Size.mebibytes(64) });
        writer.mount('/dev/shm', shm);
        reader.mount('/dev/shm', shm);
        restrict(w, 'containers', 0, true);
        restrict(w, 'containers', 1, true);
        return w;
      };
    }
    case 'sidecar': {
      const env = {
        MAIN_HOST: kplus.EnvValue.fromValue('localhost'),
        MAIN_PORT: kplus.EnvValue.fromValue('80'),
        MAIN_URL: kplus.EnvValue.fromValue('http://localhost:80'),
      };
      return (chart, i) => {
        const w = workload(chart, `sidecar-${i}`, { metadata: { name: `sidecar-${i}` }, securityContext: c.POD_WITH_ROOT_CONTAINER },
          kplus.RestartPolicy.ALWAYS);
        if (job) {
          // nginx as a native sidecar: an init container (cdk8s-plus takes no probe on one, so the port is a plain port) ...
          w.addInitContainer({ name: 'nginx', image: NGINX_IMAGE, imagePullPolicy: IF_NOT_PRESENT, ports: [{ number: 80 }],
            securityContext: c.NGINX_RUNS_AS_ROOT, resources: c.SMALL });
          restrict(w, 'initContainers', 0, false);
          nativeSidecar(cdk8s.ApiObject.of(w), 0, { failureThreshold: 3, tcpSocket: { port: 80 } });
        } else {
          w.addContainer({ name: 'nginx', image: NGINX_IMAGE, imagePullPolicy: IF_NOT_PRESENT, portNumber: 80,
            securityContext: c.NGINX_RUNS_AS_ROOT, resources: c.SMALL });
          restrict(w, 'containers', 0, false);
        }
        w.addContainer({ name: 'fetcher', image: CURL_IMAGE, imagePullPolicy: IF_NOT_PRESENT, securityContext: c.CURL_USER, resources: c.SMALL,
          command: ['/bin/sh', '-c'], args: job ? FETCH_ONCE_ARGS : FETCH_ARGS, envVariables: env });
        restrict(w, 'containers', job ? 0 : 1, true);
        return w;
      };
    }
  }
  throw new Error(`unknown pattern: ${pattern}`);
}

/**
 * ... rendered with `restartPolicy: Always` and `startupProbe` (KEP-753, Kubernetes >= 1.29),
 * which the 1.27 schema cdk8s-plus-27 filters a JSON patch through has no room for: added to the
 * rendered Job's init container `i`, keys in cdk8s's sorted order.
 */
function nativeSidecar(api, i, startupProbe) {
  const render = api.toJson.bind(api);
  api.toJson = () => {
    const json = render();
    const list = json.spec.template.spec.initContainers;
    const fields = { ...list[i], restartPolicy: 'Always', startupProbe };
    const sorted = {};
    for (const key of Object.keys(fields).sort()) sorted[key] = fields[key];
    list[i] = sorted;
    return json;
  };
}

/**
 * The YAML with what legitimately differs between the variants blanked: the value of the
 * `cdk8s.io/metadata.addr` label, a name plus hash derived from the construct path.
 */
export function normalizeYaml(yaml) {
  return yaml.replace(/^(\s*cdk8s\.io\/metadata\.addr: ).*$/gm, '$1<addr>');
}
