// YAML side of the e2e suite (node test/e2e/manifest.mjs COMMAND ...), used by run.sh.
//
//   rewrite IN OUT MAP   copy IN to OUT, changing ONLY `image` (through MAP, lines "upstream|stand-in",
//                        first match wins) and `imagePullPolicy` (to Never) of every container;
//                        then proves that nothing else changed.
//   info FILE            shell-friendly lines: "pod NAME RESTARTPOLICY", "volume NAME KIND",
//                        "container NAME IMAGE", "init NAME IMAGE"
//   command FILE CTR     the container's command and args, joined by spaces
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

function pods(file) {
  const out = [];
  for (const doc of loadDocs(file)) {
    const obj = doc.toJS();
    for (const p of podSpecPaths(obj)) {
      const meta = p.length === 1 ? obj.metadata : get(obj, [...p.slice(0, -1), 'metadata']) ?? obj.metadata;
      out.push({ name: obj.metadata?.name ?? meta?.name, kind: obj.kind, spec: get(obj, p) });
    }
  }
  return out;
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
      }
    }
  }
  if (unknown.size) {
    die(`${inFile}: no stand-in for image(s) ${[...unknown].join(', ')}: add them to E2E_IMAGE_MAP in test/e2e/images.sh`);
  }
  const text = docs.map((d) => d.toString()).join('---\n');
  writeFileSync(outFile, text);

  // Proof that only image and imagePullPolicy changed.
  const strip = (file) =>
    loadDocs(file).map((d) => {
      const obj = d.toJS();
      for (const p of podSpecPaths(obj)) {
        for (const { c } of containersOf(get(obj, p))) {
          delete c.image;
          delete c.imagePullPolicy;
        }
      }
      return obj;
    });
  if (!isDeepStrictEqual(strip(inFile), strip(outFile))) {
    die(`rewriting ${inFile} changed more than image and imagePullPolicy`);
  }
}

function info(file) {
  for (const pod of pods(file)) {
    console.log(`pod ${pod.name} ${pod.spec.restartPolicy ?? 'Always'}`);
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
  for (const pod of pods(file)) {
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
