// YAML side of the e2e suite (node test/e2e/manifest.mjs COMMAND ...), used by run.sh.
//
//   as-pods IN OUT       copy IN to OUT, replacing each object of a kind podman 4.3.1 cannot play (Job,
//                        CronJob, DaemonSet, StatefulSet) by the Pod its controller would create: its pod
//                        template (spec.template, spec.jobTemplate.spec.template) as a Pod named like
//                        the object, with the template's labels and annotations (plus the job-name labels
//                        a Job controller adds); nothing else changed (proved after writing). Pods and
//                        Deployments are copied as they are. Prints a "note" line per object replaced.
//   rewrite IN OUT MAP   copy IN to OUT, changing ONLY `image` (through MAP, lines "upstream|stand-in",
//                        first match wins) and `imagePullPolicy` (to Never) of every container, and, in a
//                        Deployment of more than one replica only, dropping the containers' `ports` that
//                        have no hostPort (podman 4.3.1 publishes every containerPort on the host, so the
//                        second replica fails with "address already in use"; see README.md); then proves
//                        that nothing else changed. Prints a "note" line per port dropped.
//   info FILE            shell-friendly lines: "pod NAME RESTARTPOLICY" (one per Pod podman makes: a
//                        Deployment's replicas are NAME-pod-0, NAME-pod-1, ...), then once per object
//                        "volume NAME KIND", "container NAME IMAGE", "init NAME IMAGE"
//   command FILE CTR     the container's command and args, joined by spaces
//   replicas FILE        spec.replicas of the file's Deployment (1 when unset)
//   policy FILE          what a kubelet would check and podman does not (runAsNonRoot against the
//                        image's user), plus notes on other things podman ignores
//   runtime FILE         after `podman kube play`: did podman apply the securityContext and limits
//                        of the YAML to each container (podman inspect)?
//
// Prints assertion lines "ok ..." / "FAIL ..." (counted by run.sh) and "note ..." lines.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import YAML from 'yaml';

const [cmd, ...args] = process.argv.slice(2);

function die(msg) {
  process.stderr.write(`manifest.mjs: ${msg}\n`);
  process.exit(1);
}

function loadDocs(file) {
  const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8'));
  for (const d of docs) {
    if (d.errors.length) die(`${file}: ${d.errors[0].message}`);
  }
  return docs;
}

/** Path (array) to every pod spec of a document: a Pod, or a workload with spec.template. */
function podSpecPaths(obj) {
  if (!obj || typeof obj !== 'object') return [];
  if (obj.kind === 'Pod') return [['spec']];
  if (obj.spec?.template?.spec) return [['spec', 'template', 'spec']];
  if (obj.spec?.jobTemplate?.spec?.template?.spec) return [['spec', 'jobTemplate', 'spec', 'template', 'spec']];
  return [];
}

const get = (obj, path) => path.reduce((o, k) => (o == null ? undefined : o[k]), obj);

/** Docker Hub shorthand to one spelling: no docker.io/ or library/, always a tag. */
export function normalizeImage(ref) {
  let r = String(ref).trim();
  r = r.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  r = r.replace(/^library\//, '');
  const last = r.split('/').pop();
  if (!last.includes(':') && !last.includes('@')) r += ':latest';
  return r;
}

function containersOf(spec) {
  return [
    ...(spec.initContainers ?? []).map((c, i) => ({ c, kind: 'initContainers', i })),
    ...(spec.containers ?? []).map((c, i) => ({ c, kind: 'containers', i })),
  ];
}

/** The names podman gives the Pods of an object: a Pod's own; NAME-pod-0, NAME-pod-1, ... for a Deployment's replicas. */
function podNames(obj) {
  if (obj.kind !== 'Deployment') return [obj.metadata?.name];
  const replicas = obj.spec?.replicas ?? 1;
  return Array.from({ length: replicas }, (_, i) => `${obj.metadata.name}-pod-${i}`);
}

/**
 * The Pods podman makes from a file, one entry per Pod (`replica` 0, 1, ... of its object).
 * With `oncePerObject`, only the first Pod of each object (the replicas share one spec).
 */
function pods(file, oncePerObject = false) {
  const out = [];
  for (const doc of loadDocs(file)) {
    const obj = doc.toJS();
    for (const p of podSpecPaths(obj)) {
      const names = podNames(obj);
      (oncePerObject ? names.slice(0, 1) : names).forEach((name, replica) => out.push({ name, replica, kind: obj.kind, spec: get(obj, p) }));
    }
  }
  return out;
}

/** Kinds podman 4.3.1 does not play ("Supported kinds are Pods, Deployments and PersistentVolumeClaims"). */
const CONTROLLER_KINDS = ['Job', 'CronJob', 'DaemonSet', 'StatefulSet'];

/** The pod template of a controller kind, and where it is. */
function templateOf(obj) {
  const path = obj.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
  return { path: path.join('.'), template: get(obj, path) };
}

/** The Pod a controller would create from its template (as far as podman is concerned). */
function podFromTemplate(obj) {
  const { template } = templateOf(obj);
  const labels = { ...template.metadata?.labels ?? {} };
  // The labels a Job controller puts on its Pods whose values are known before it runs (not controller-uid).
  if (obj.kind === 'Job') Object.assign(labels, { 'batch.kubernetes.io/job-name': obj.metadata.name, 'job-name': obj.metadata.name });
  const metadata = { name: obj.metadata.name, labels };
  if (template.metadata?.annotations) metadata.annotations = template.metadata.annotations;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: template.spec };
}

function asPods(inFile, outFile) {
  const objects = loadDocs(inFile).map((d) => d.toJS());
  if (!objects.some((obj) => CONTROLLER_KINDS.includes(obj?.kind))) {
    // Nothing to replace: the file as it is, byte for byte.
    writeFileSync(outFile, readFileSync(inFile));
    return;
  }
  const out = objects.map((obj) => (CONTROLLER_KINDS.includes(obj?.kind) ? podFromTemplate(obj) : obj));
  writeFileSync(outFile, out.map((o) => YAML.stringify(o, { lineWidth: 0 })).join('---\n'));
  // Proof: each replaced object's pod template spec is the Pod's spec, unchanged; its labels are kept.
  const written = loadDocs(outFile).map((d) => d.toJS());
  objects.forEach((obj, i) => {
    if (!CONTROLLER_KINDS.includes(obj?.kind)) {
      if (!isDeepStrictEqual(obj, written[i])) die(`as-pods changed the ${obj?.kind} ${obj?.metadata?.name}`);
      return;
    }
    const { path, template } = templateOf(obj);
    const pod = written[i];
    if (pod.kind !== 'Pod' || pod.metadata.name !== obj.metadata.name || !isDeepStrictEqual(pod.spec, template.spec)) {
      die(`as-pods: the Pod written for ${obj.kind} ${obj.metadata.name} is not its ${path} spec`);
    }
    for (const [k, v] of Object.entries(template.metadata?.labels ?? {})) {
      if (pod.metadata.labels[k] !== v) die(`as-pods: the Pod written for ${obj.kind} ${obj.metadata.name} lost the template label ${k}`);
    }
    console.log(`note ${obj.metadata.name}: podman 4.3.1 cannot play a ${obj.kind}: playing its ${path} as the Pod its controller would create (Pod ${obj.metadata.name}, the template's spec unchanged, labels ${Object.keys(pod.metadata.labels).join(', ')})`);
  });
}

function rewrite(inFile, outFile, mapFile) {
  const map = readFileSync(mapFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.split('|'));
  const docs = loadDocs(inFile);
  const unknown = new Set();
  for (const doc of docs) {
    const obj = doc.toJS();
    for (const p of podSpecPaths(obj)) {
      for (const { c, kind, i } of containersOf(get(obj, p))) {
        const hit = map.find(([up]) => up === normalizeImage(c.image));
        if (!hit) {
          unknown.add(c.image);
          continue;
        }
        doc.setIn([...p, kind, i, 'image'], hit[1]);
        doc.setIn([...p, kind, i, 'imagePullPolicy'], 'Never');
        if (dropsPorts(obj, c)) {
          doc.deleteIn([...p, kind, i, 'ports']);
          console.log(`note ${obj.metadata.name}: container ${c.name}'s ports (containerPort ${c.ports.map((q) => q.containerPort).join(', ')}, no hostPort) left out of the played copy: `
            + `podman 4.3.1 publishes every containerPort on the host, so replica 2 of ${obj.spec.replicas} would fail with "address already in use" (podman#16765); `
            + 'in Kubernetes a containerPort is informational: the process listens in its own Pod\'s network namespace');
        }
      }
    }
  }
  if (unknown.size) {
    die(`${inFile}: no stand-in for image(s) ${[...unknown].join(', ')}: add them to E2E_IMAGE_MAP in test/e2e/images.sh`);
  }
  const text = docs.map((d) => d.toString()).join('---\n');
  writeFileSync(outFile, text);

  // Proof that only image and imagePullPolicy changed (and the ports dropsPorts allows, nothing else).
  const strip = (file) =>
    loadDocs(file).map((d) => {
      const obj = d.toJS();
      for (const p of podSpecPaths(obj)) {
        for (const { c } of containersOf(get(obj, p))) {
          delete c.image;
          delete c.imagePullPolicy;
          if (dropsPorts(obj, c)) delete c.ports;
        }
      }
      return obj;
    });
  if (!isDeepStrictEqual(strip(inFile), strip(outFile))) {
    die(`rewriting ${inFile} changed more than image, imagePullPolicy and the ports of multi-replica Deployments`);
  }
}

/**
 * Whether the played copy leaves out a container's `ports`: only in a Deployment of more than one
 * replica, only ports without a hostPort (a hostPort is a real claim on the node: never dropped,
 * the play then fails as it should), and only when no probe names a port (a named port would then
 * dangle). Anything else is left as it is.
 */
function dropsPorts(obj, c) {
  if (obj.kind !== 'Deployment' || !((obj.spec?.replicas ?? 1) > 1) || !c.ports?.length) return false;
  if (c.ports.some((q) => q.hostPort !== undefined)) return false;
  const probes = [c.startupProbe, c.readinessProbe, c.livenessProbe].filter(Boolean);
  return !probes.some((pr) => typeof (pr.tcpSocket?.port ?? pr.httpGet?.port ?? 0) === 'string');
}

function info(file) {
  for (const pod of pods(file)) console.log(`pod ${pod.name} ${pod.spec.restartPolicy ?? 'Always'} ${pod.kind}`);
  for (const pod of pods(file, true)) {
    for (const v of pod.spec.volumes ?? []) {
      let kind = `other:${Object.keys(v).filter((k) => k !== 'name').join(',')}`;
      if (v.emptyDir) kind = v.emptyDir.medium === 'Memory' ? 'emptyDir-memory' : 'emptyDir-disk';
      console.log(`volume ${v.name} ${kind}`);
    }
    for (const { c, kind } of containersOf(pod.spec)) {
      console.log(`${kind === 'initContainers' ? 'init' : 'container'} ${c.name} ${c.image}`);
    }
  }
}

function command(file, ctr) {
  for (const pod of pods(file)) {
    const hit = containersOf(pod.spec).find(({ c }) => c.name === ctr);
    if (hit) {
      console.log([...(hit.c.command ?? []), ...(hit.c.args ?? [])].join(' '));
      return;
    }
  }
  die(`${file}: no container ${ctr}`);
}

function imageUser(image) {
  try {
    return execFileSync('podman', ['image', 'inspect', '--format', '{{.Config.User}}', image], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** The kubelet's verifyRunAsNonRoot (pkg/kubelet/kuberuntime/security_context_others.go). */
function kubeletRunAsNonRoot(podSc, sc, imgUser) {
  const runAsNonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
  const runAsUser = sc.runAsUser ?? podSc.runAsUser;
  const userPart = (imgUser ?? '').split(':')[0];
  let who;
  if (runAsUser !== undefined) who = `uid ${runAsUser} (runAsUser)`;
  else if (userPart === '') who = 'root (image has no USER)';
  else who = `image user ${imgUser}`;
  if (!runAsNonRoot) return { ok: true, who };
  if (runAsUser !== undefined) {
    return runAsUser === 0 ? { ok: false, why: "container's runAsUser breaks non-root policy (runAsUser 0)" } : { ok: true, who };
  }
  if (userPart === '' || userPart === '0' || userPart === 'root') {
    return { ok: false, why: 'runAsNonRoot and image runs as root' };
  }
  if (!/^\d+$/.test(userPart)) {
    return { ok: false, why: `container has runAsNonRoot and image has non-numeric user (${userPart}), cannot verify user is non-root` };
  }
  return { ok: true, who };
}

function policy(file) {
  // Once per object: a Deployment's replicas are one spec.
  for (const pod of pods(file, true)) {
    const podSc = pod.spec.securityContext ?? {};
    const seen = [];
    let failed = false;
    for (const { c } of containersOf(pod.spec)) {
      const sc = c.securityContext ?? {};
      const imgUser = imageUser(c.image);
      if (imgUser === undefined) {
        console.log(`FAIL ${pod.name} runAsNonRoot: cannot inspect image ${c.image} of container ${c.name}`);
        failed = true;
        continue;
      }
      const r = kubeletRunAsNonRoot(podSc, sc, imgUser);
      if (!r.ok) {
        console.log(`FAIL ${pod.name} runAsNonRoot: a kubelet would refuse container ${c.name}: ${r.why} (image ${c.image}, image user '${imgUser}')`);
        failed = true;
      } else {
        const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
        seen.push(`${c.name} runs as ${r.who}${nonRoot ? ', runAsNonRoot holds' : ''}`);
      }

      // Things podman does not do that the YAML asks for: the test cannot vouch for them.
      if (c.lifecycle?.postStart) console.log(`note ${pod.name}: podman ignores lifecycle.postStart of ${c.name}; nothing here proves it works`);
      if (c.lifecycle?.preStop) console.log(`note ${pod.name}: podman ignores lifecycle.preStop of ${c.name}`);
      if (c.readinessProbe) console.log(`note ${pod.name}: podman ignores the readinessProbe of ${c.name}`);
      if (c.restartPolicy === 'Always') {
        console.log(`note ${pod.name}: podman runs sidecar init container ${c.name} (restartPolicy Always) as a plain init container`);
      }
    }
    const probes = containersOf(pod.spec)
      .filter(({ c }) => c.startupProbe || c.livenessProbe)
      .map(({ c }) => c.name);
    if (probes.length) console.log(`note ${pod.name}: podman never runs the startup/liveness probes of ${probes.join(', ')}`);
    if (podSc.fsGroup !== undefined) console.log(`note ${pod.name}: podman ignores securityContext.fsGroup (${podSc.fsGroup})`);
    for (const v of pod.spec.volumes ?? []) {
      if (v.emptyDir?.sizeLimit) console.log(`note ${pod.name}: emptyDir ${v.name} sizeLimit ${v.emptyDir.sizeLimit} is not enforced here`);
    }
    if (!failed) console.log(`ok ${pod.name} runAsNonRoot: a kubelet would start every container: ${seen.join('; ')}`);
  }
}

const QUANTITY = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12, m: 1e-3, '': 1 };
function quantity(q) {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(String(q));
  if (!m || !(m[2] in QUANTITY)) return undefined;
  return Number(m[1]) * QUANTITY[m[2]];
}

function runtime(file) {
  for (const pod of pods(file)) {
    const podSc = pod.spec.securityContext ?? {};
    const problems = [];
    const checked = [];
    for (const { c, kind } of containersOf(pod.spec)) {
      if (kind === 'initContainers') continue; // podman removes init containers once they ran
      let ins;
      try {
        ins = JSON.parse(execFileSync('podman', ['inspect', `${pod.name}-${c.name}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }))[0];
      } catch {
        problems.push(`${c.name}: no container ${pod.name}-${c.name}`);
        continue;
      }
      const sc = c.securityContext ?? {};
      const what = [];
      const uid = sc.runAsUser ?? podSc.runAsUser;
      const gid = sc.runAsGroup ?? podSc.runAsGroup;
      if (uid !== undefined) {
        const got = String(ins.Config.User ?? '').split(':');
        if (got[0] !== String(uid) || (gid !== undefined && got[1] !== String(gid))) {
          problems.push(`${c.name}: user ${ins.Config.User}, YAML says ${uid}${gid !== undefined ? `:${gid}` : ''}`);
        } else what.push(`user ${ins.Config.User}`);
      }
      const ro = sc.readOnlyRootFilesystem === true;
      if (Boolean(ins.HostConfig.ReadonlyRootfs) !== ro) problems.push(`${c.name}: ReadonlyRootfs ${ins.HostConfig.ReadonlyRootfs}, YAML says ${ro}`);
      else what.push(ro ? 'read-only root' : 'writable root');
      if (sc.allowPrivilegeEscalation === false) {
        if (!(ins.HostConfig.SecurityOpt ?? []).includes('no-new-privileges')) problems.push(`${c.name}: no no-new-privileges although allowPrivilegeEscalation is false`);
        else what.push('no-new-privileges');
      }
      const mem = c.resources?.limits?.memory;
      if (mem !== undefined) {
        if (ins.HostConfig.Memory !== quantity(mem)) problems.push(`${c.name}: memory limit ${ins.HostConfig.Memory}, YAML says ${mem}`);
        else what.push(`memory ${mem}`);
      }
      const cpu = c.resources?.limits?.cpu;
      if (cpu !== undefined) {
        const got = ins.HostConfig.CpuQuota && ins.HostConfig.CpuPeriod ? ins.HostConfig.CpuQuota / ins.HostConfig.CpuPeriod : undefined;
        if (got === undefined || Math.abs(got - quantity(cpu)) > 0.001) problems.push(`${c.name}: cpu limit ${got}, YAML says ${cpu}`);
        else what.push(`cpu ${cpu}`);
      }
      checked.push(`${c.name} (${what.join(', ')})`);
    }
    if (problems.length) console.log(`FAIL ${pod.name} runtime: podman did not apply the YAML: ${problems.join('; ')}`);
    else console.log(`ok ${pod.name} runtime: podman applied the YAML's securityContext and limits: ${checked.join('; ')}`);
  }
}

switch (cmd) {
  case 'replicas': {
    const d = loadDocs(args[0]).map((x) => x.toJS()).find((o) => o?.kind === 'Deployment');
    if (!d) die(`${args[0]}: no Deployment`);
    console.log(d.spec?.replicas ?? 1);
    break;
  }
  case 'as-pods':
    asPods(...args);
    break;
  case 'rewrite':
    rewrite(...args);
    break;
  case 'info':
    info(...args);
    break;
  case 'command':
    command(...args);
    break;
  case 'policy':
    policy(...args);
    break;
  case 'runtime':
    runtime(...args);
    break;
  default:
    die(`unknown command ${cmd ?? ''}; see the top of test/e2e/manifest.mjs`);
}
