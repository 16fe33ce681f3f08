// Records what kubectl and podman do with the YAML cdk8s writes for a command string, into
// yaml-readers.json, which oracles.test.ts checks the oracle's model of both readers against.
//
//   CONTAINERS_CONF=.e2e/containers.conf node test/property/yaml-readers-probe.mjs
//
// Needs kubectl, podman (run as root) and a local image to create, not start, containers from
// (PROBE_IMAGE, default the e2e suite's busybox stand-in: `sudo bash test/e2e/run.sh mc1` builds
// it). Each string becomes `command: ['/bin/sh', '-c', <string>]` of a Pod, written with
// cdk8s's `Yaml.stringify`, then:
// - kubectl: `kubectl label --local -f <file> x=y -o json` (parses the file as `kubectl apply`
//   does, without a cluster), and the command read back;
// - podman: `podman kube play --start=false <file>`, and the container's Path and Args read back
//   with `podman container inspect`; the pod is removed again.
// A verdict is "ok" (read back unchanged), "changed" (read back as another string) or "refused"
// (the manifest is refused: not YAML, or, read as other YAML, no Pod).
// Takes about 10 minutes for the 4,300 strings.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { Yaml } = require('cdk8s');
const IMAGE = process.env.PROBE_IMAGE ?? 'localhost/e2e/busybox:1.36';
const OUT = new URL('./yaml-readers.json', import.meta.url);

/** Every string of up to 4 characters from these, which reach every way a block scalar starts. */
function exhaustive() {
  const alphabet = [' ', '\t', '\n', '\r', 'a', '\u2028', '\u0085'];
  const all = [''];
  let layer = [''];
  for (let n = 1; n <= 4; n++) {
    layer = layer.flatMap(prefix => alphabet.map(c => prefix + c));
    all.push(...layer);
  }
  return all;
}

/** Seeded random strings of up to 8 pieces: YAML indicators, controls, non-ASCII, separators. */
function random(count) {
  const pieces = [' ', '\t', '\n', 'a', '#', ':', '-', '"', '\'', '\u00a0', '\ufeff', '\x7f', '\x1b', '|', '>', '\r', '\u2029', 'é', '😀', 'b',
    '  ', '\n ', '\n\t', ' \n', '- ', '\n- ', '\n  ', '    '];
  let seed = 20251123;
  const next = n => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296 * n) | 0;
  };
  const out = new Set();
  while (out.size < count) {
    let s = '';
    for (let i = 1 + next(8); i > 0; i--) s += pieces[next(pieces.length)];
    out.add(s);
  }
  return [...out];
}

/** Characters YAML forbids raw, escapes, and a few scripts. */
const chosen = [
  '\x7f', 'a\x7fb', '\x80', '\x9f', '\x9b', '\ufffe', '\uffff', '\ud800', '\udc00x', '\ufeff', 'a\ufeff', '\x1b', '\x00', '\u00ad', '\u200b', '\ue000',
  '\ufdd0', 'a\n\x7f', '\x85', 'a\x85b', '\n- x', ' a\n- b', 'a\n- b', '\n  - x', 'x\n#y', '\n#', '- a\nb', '\n  a\n b', '\n   a\n  b', '  a\n  b',
  ' \u00a0\na', '\u00a0\na', '\ufeff\na', 'a\n\ufeffb', '\n\u00a0a', '😀\n\ta', '\ta\n😀', 'é\nb', '\té\nb',
  '\techo one\n\techo two', 'echo one\n\techo two', '\n\twhile true; do date > /html/index.html; sleep 5; done', '    echo a\n    echo b',
];

const env = { ...process.env };
function run(cmd, args) {
  return new Promise(resolve => execFile(cmd, args, { env, timeout: 60_000 }, (error, stdout, stderr) =>
    resolve({ ok: !error, stdout, stderr })));
}

async function probe(text, dir, worker) {
  const name = `yaml-probe-${worker}`;
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { containers: [{ name: 'a', image: IMAGE, imagePullPolicy: 'Never', command: ['/bin/sh', '-c', text] }] },
  };
  const file = join(dir, `${worker}.yaml`);
  writeFileSync(file, Yaml.stringify(pod));

  const k = await run('kubectl', ['label', '--local', '-f', file, 'x=y', '-o', 'json']);
  const kubectl = !k.ok ? 'refused' : JSON.parse(k.stdout).spec.containers[0].command[2] === text ? 'ok' : 'changed';

  const p = await run('podman', ['kube', 'play', '--start=false', file]);
  let podman = 'refused';
  if (p.ok) {
    const inspect = await run('podman', ['container', 'inspect', `${name}-a`]);
    const c = JSON.parse(inspect.stdout)[0];
    podman = c.Path === '/bin/sh' && c.Args.length === 2 && c.Args[0] === '-c' && c.Args[1] === text ? 'ok' : 'changed';
    await run('podman', ['pod', 'rm', '-f', name]);
  } else if (!/error converting YAML to JSON|multi doc yaml could not be split|unable to read YAML as Kube Pod/.test(p.stderr)) {
    throw new Error(`podman kube play failed for another reason than the YAML: ${p.stderr}`);
  }
  return [text, kubectl, podman];
}

const strings = [...new Set([...exhaustive(), ...random(1500), ...chosen])];
// Pods a run that stopped half-way left behind.
await Promise.all([0, 1, 2, 3].map(worker => run('podman', ['pod', 'rm', '--ignore', '-f', `yaml-probe-${worker}`])));
const dir = mkdtempSync(join(tmpdir(), 'yaml-probe-'));
const results = new Array(strings.length);
let next = 0;
await Promise.all([0, 1, 2, 3].map(async worker => {
  while (next < strings.length) {
    const i = next++;
    results[i] = await probe(strings[i], dir, worker);
  }
}));
rmSync(dir, { recursive: true });
const kubectlVersion = (await run('kubectl', ['version', '--client', '-o', 'json'])).stdout;
const podmanVersion = (await run('podman', ['--version'])).stdout.trim();
writeFileSync(OUT, `${JSON.stringify({
  readers: { kubectl: JSON.parse(kubectlVersion).clientVersion.gitVersion, podman: podmanVersion },
  verdicts: results,
}, null, 0).replace(/\],\[/g, '],\n[').replace(/[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`);
console.log(`${results.length} strings: ${OUT.pathname}`);
