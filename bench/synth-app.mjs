// One measurement, in its own Node process: an App with one Chart holding N workloads of one
// pattern and kind, synthesized with `app.synthYaml()`. Started by run.mjs; prints one JSON line.
//
//   node bench/synth-app.mjs --variant lib|hand --pattern shared|ipc|sidecar --kind pod|deployment|job --n 1000
//        [--lib <dir with the compiled library>] [--out <file for the normalized YAML>] [--bare]
//
// Timed (ms, performance.now()): `loadMs` requiring cdk8s, cdk8s-plus-27 (and the library for
// `lib`); `buildMs` constructing the App, Chart and workloads; `synthMs` app.synthYaml();
// `endMs` time since the process started, at the end of synth; `*CpuMs` the same phases in CPU
// time (user + system, all threads). `maxRssKB` is the process's peak resident set (getrusage)
// read right after synth, with the YAML still alive. Then, untimed: `retainedKB`, the heap still
// in use after a forced full GC (App, workloads and YAML alive), and the YAML normalized and hashed;
// --bare leaves these out (run.mjs --instructions counts the whole process).
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { normalizeYaml, podBuilder } from './workload.mjs';

const { values: opts } = parseArgs({
  options: {
    variant: { type: 'string' },
    pattern: { type: 'string' },
    kind: { type: 'string', default: 'pod' },
    n: { type: 'string' },
    lib: { type: 'string' },
    out: { type: 'string' },
    bare: { type: 'boolean', default: false },
  },
});
const n = Number(opts.n);
if (!['lib', 'hand'].includes(opts.variant) || !opts.pattern || !Number.isInteger(n) || n < 1) {
  throw new Error(`usage: synth-app.mjs --variant lib|hand --pattern <p> --kind <k> --n <count> (got ${JSON.stringify(opts)})`);
}

const require = createRequire(import.meta.url);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const cdk8s = require('cdk8s');
const kplus = require('cdk8s-plus-27');
const lib = opts.variant === 'lib' ? require(resolve(opts.lib ?? 'lib')) : undefined;
const t1 = performance.now();
const cpu1 = process.cpuUsage();

const add = podBuilder(opts.variant, opts.pattern, opts.kind, { cdk8s, kplus, lib });
const app = new cdk8s.App();
const chart = new cdk8s.Chart(app, 'bench');
for (let i = 0; i < n; i++) add(chart, i);
const t2 = performance.now();
const cpu2 = process.cpuUsage();
const yaml = app.synthYaml();
const t3 = performance.now();
const cpu3 = process.cpuUsage();
const maxRssKB = process.resourceUsage().maxRSS;

if (opts.bare) {
  process.stdout.write(JSON.stringify({ variant: opts.variant, pattern: opts.pattern, kind: opts.kind, n, yamlBytes: yaml.length }) + '\n');
  process.exit(0);
}

// Untimed diagnostics: the heap still reachable (App, workloads and YAML) after a full GC.
v8.setFlagsFromString('--expose-gc');
runInNewContext('gc')();
const retainedKB = Math.round(process.memoryUsage().heapUsed / 1024);

const normalized = normalizeYaml(yaml);
if (opts.out) writeFileSync(opts.out, normalized);
process.stdout.write(JSON.stringify({
  variant: opts.variant,
  pattern: opts.pattern,
  kind: opts.kind,
  n,
  loadMs: t1 - t0,
  buildMs: t2 - t1,
  synthMs: t3 - t2,
  endMs: t3,
  // CPU time (user + system, all threads of the process, so GC helper threads too).
  loadCpuMs: cpuMs(cpu0, cpu1),
  buildCpuMs: cpuMs(cpu1, cpu2),
  synthCpuMs: cpuMs(cpu2, cpu3),
  maxRssKB,
  retainedKB,
  yamlBytes: Buffer.byteLength(yaml),
  docs: yaml.split(/^---$/m).length,
  sha256: createHash('sha256').update(normalized).digest('hex'),
}) + '\n');

function cpuMs(a, b) {
  return (b.user - a.user + b.system - a.system) / 1000;
}
