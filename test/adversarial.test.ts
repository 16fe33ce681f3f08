// Hostile input, through the public API only: hand-written cases, each with the outcome a
// careful engineer expects.
//
// Every case ends in one of two classes:
// (a) `synth-error`: synth throws cdk8s's "Validation failed" error, every line of which names
//     the construct path and a field (`[<path>] <field>: <problem>. fix: <fix> (rule <id>)`,
//     values quoted without raw control characters or line separators), and one line is the
//     expected rule at the expected field;
// (b) `valid`: synth succeeds, and the manifest is one the API server and kubelet take: every
//     Pod (and every workload's pod template, checked as a Pod) passes the Kubernetes OpenAPI
//     schema (kubernetes-models), the API server's invariants the schema cannot express
//     (./property/oracle.ts), kubectl and podman read it back as written, and the checks below
//     (names, images, environment variables, exec strings, quantities, whole seconds).
// Never: a throw while building (a bare TypeError, cdk8s-plus's own throws), a throw while
// serializing, or a manifest the cluster refuses.
//
// A few cases accept either class (`oneOf`): where both are right, e.g. a hostile readiness
// condition may be refused at synth, or rendered so that it cannot change the wrapper's control
// flow. For the latter, the wrapper is run here with /bin/sh (PATH holding only `sleep`): the
// consumer's command runs after the wait, or the wrapper exits 1 with its message, nothing else.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Cron, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { podTemplateOf } from './pod-security';
import {
  HelperContainer, IpcProducerConsumer, IpcProducerConsumerPod, IpcProducerConsumerPodProps, IpcReadiness, LocalhostSidecarPod,
  LocalhostSidecarPodProps, LocalhostSidecars, SharedVolumePod, SharedVolumePodProps, SharedVolumes, StartupGate,
} from '../src';
import { parseValidationError, synthesize, ValidationLine } from './property/harness';
import { schemaErrorsOfPod, stopSchemaWorker } from './property/k8s-schema';
import { apiInvariantViolations, yamlReaderProblems } from './property/oracle';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

afterAll(() => stopSchemaWorker());

// ---------------------------------------------------------------------------------------------
// Outcomes

type Outcome =
  | { readonly kind: 'construction-threw'; readonly error: unknown }
  | { readonly kind: 'synth-threw'; readonly error: unknown }
  | { readonly kind: 'invalid'; readonly lines: ValidationLine[] }
  | { readonly kind: 'synthesized'; readonly yaml: string; readonly docs: Json[] };

/** A case builds into chart `test` of a fresh App (a Pod construct has id `pod`, a workload `web`). */
type Build = (chart: Chart) => unknown;

function outcomeOf(build: Build): Outcome {
  return synthesize(build) as Outcome;
}

/** Synthesizes the chart's app once, as a user checking their work would (and fails the case if that fails). */
function firstSynth(chart: Chart): void {
  try {
    App.of(chart).synthYaml();
  } catch (error) {
    throw new Error(`the first synth, before the change, failed: ${String(error)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// What a valid manifest must be

/** DNS-1123 subdomain (metadata.name of Pods and workloads). */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Environment variable names as the 1.27 API server checks them (validation.IsEnvVarName). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** MAX_ARG_STRLEN: the most bytes one argv or environment string may have, its terminating NUL included. */
const MAX_ARG_STRLEN = 128 * 1024;
/** A resource.Quantity as the API server parses it: a number with one suffix (binary SI, decimal SI or an exponent). */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
// An image reference (github.com/distribution/reference): [domain/]path[:tag][@digest].
const DOMAIN = '(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?';
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[0-9a-f]{64}|@sha512:[0-9a-f]{128})?$`);

/** The exec commands of a container's probes and lifecycle hooks, with where they are. */
function execCommands(c: Json, at: string): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
    if (c[probe]?.exec) out.push([`${at}.${probe}.exec.command`, c[probe].exec.command]);
  }
  for (const hook of ['postStart', 'preStop']) {
    if (c.lifecycle?.[hook]?.exec) out.push([`${at}.lifecycle.${hook}.exec.command`, c.lifecycle[hook].exec.command]);
  }
  return out;
}

function execStringProblems(at: string, value: unknown): string[] {
  if (typeof value !== 'string') return [`${at} is not a string: ${JSON.stringify(value)}`];
  const out: string[] = [];
  if (value.includes('\0')) out.push(`${at} holds a NUL, which execve cannot pass`);
  if (Buffer.byteLength(value) + 1 > MAX_ARG_STRLEN) out.push(`${at} is ${Buffer.byteLength(value)} bytes, over MAX_ARG_STRLEN (the kubelet's execve fails with E2BIG)`);
  return out;
}

/** What the API server, the kubelet or the container runtime refuse in a pod spec, beyond the schema and the oracle's invariants. */
function podSpecProblems(spec: Json, kind: string): string[] {
  const out: string[] = [];
  const gracePeriod = spec.terminationGracePeriodSeconds;
  if (gracePeriod !== undefined && !(Number.isInteger(gracePeriod) && gracePeriod >= 0)) out.push(`spec.terminationGracePeriodSeconds ${gracePeriod} is not a whole number of seconds`);
  const policy = spec.restartPolicy;
  if (['Deployment', 'StatefulSet', 'DaemonSet'].includes(kind) && policy !== undefined && policy !== 'Always') out.push(`a ${kind}'s pod template has restartPolicy ${policy}`);
  if (['Job', 'CronJob'].includes(kind) && policy === 'Always') out.push(`a ${kind}'s pod template has restartPolicy Always`);
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    (spec[key] as Json[] ?? []).forEach((c, i) => {
      const at = `spec.${key}[${i}]`;
      if (typeof c.image !== 'string' || !IMAGE_REFERENCE.test(c.image)) out.push(`${at}.image ${JSON.stringify(c.image)} is not a valid image reference`);
      (c.command as Json[] ?? []).forEach((s, j) => out.push(...execStringProblems(`${at}.command[${j}]`, s)));
      (c.args as Json[] ?? []).forEach((s, j) => out.push(...execStringProblems(`${at}.args[${j}]`, s)));
      (c.env as Json[] ?? []).forEach((e, j) => {
        if (typeof e.name !== 'string' || !ENV_NAME.test(e.name)) out.push(`${at}.env[${j}].name ${JSON.stringify(e.name)} is not a valid environment variable name`);
        if (e.value !== undefined) out.push(...execStringProblems(`${at}.env[${j}] (${e.name}=...)`, `${e.name}=${e.value}`));
      });
      for (const [where, command] of execCommands(c, at)) {
        (command as Json[] ?? []).forEach((s, j) => out.push(...execStringProblems(`${where}[${j}]`, s)));
      }
      for (const [bound, quantities] of Object.entries(c.resources ?? {})) {
        for (const [resource, q] of Object.entries(quantities as Json)) {
          const text = String(q);
          if (!QUANTITY.test(text) || text.startsWith('-')) out.push(`${at}.resources.${bound}.${resource} ${JSON.stringify(q)} is not a non-negative quantity`);
        }
      }
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        for (const field of ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold', 'terminationGracePeriodSeconds']) {
          const v = c[probe]?.[field];
          if (v !== undefined && !(Number.isInteger(v) && v >= 0)) out.push(`${at}.${probe}.${field} ${v} is not a whole number`);
        }
      }
      if (c.restartPolicy !== undefined && (key !== 'initContainers' || c.restartPolicy !== 'Always')) out.push(`${at}.restartPolicy ${c.restartPolicy} is not allowed there`);
    });
  }
  (spec.volumes as Json[] ?? []).forEach((v, i) => {
    const limit = v.emptyDir?.sizeLimit;
    if (limit !== undefined && (!QUANTITY.test(String(limit)) || String(limit).startsWith('-'))) out.push(`spec.volumes[${i}].emptyDir.sizeLimit ${JSON.stringify(limit)} is not a quantity`);
  });
  return out;
}

/** Why the cluster (or kubectl, or podman) would refuse the synthesized manifest; empty when it takes it. */
function manifestProblems(yaml: string, docs: Json[]): string[] {
  const out = yamlReaderProblems(yaml, docs);
  for (const doc of docs) {
    const name = doc?.metadata?.name;
    const where = `${doc?.kind} ${JSON.stringify(name)}`;
    if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) out.push(`${where}: metadata.name is not a DNS-1123 subdomain`);
    if (doc?.kind === 'CronJob' && typeof name === 'string' && name.length > 52) out.push(`${where}: a CronJob's name has at most 52 characters`);
    const template = podTemplateOf(doc);
    if (!template) continue;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name: 'schema-check' }, spec: template.spec };
    const schema = schemaErrorsOfPod(pod);
    if (schema) out.push(`${where}: the Kubernetes OpenAPI schema rejects its pod spec: ${schema}`);
    out.push(...apiInvariantViolations(pod).map(v => `${where}: ${v}`));
    out.push(...podSpecProblems(template.spec, doc.kind).map(v => `${where}: ${v}`));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Running a readiness wrapper

let bin: string;
beforeAll(() => {
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'adversarial-bin-'));
  const sleep = ['/usr/bin/sleep', '/bin/sleep'].find(p => fs.existsSync(p));
  if (sleep) fs.symlinkSync(sleep, path.join(bin, 'sleep'));
});
afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));

/** What the consumer runs after the wait: its command and args. */
const CONSUMER_COMMAND = ['/bin/echo'];
const CONSUMER_ARGS = ['CONSUMER-RAN'];
/**
 * What a hostile condition runs: `HIJ''ACKED` in the condition's text, so only running it prints
 * HIJACKED. A condition may print it as its own test; it must never run in place of the
 * consumer, nor run at all where the text is a quoted name or path.
 */
const HIJACK = 'HIJACKED';
const HIJACK_ECHO = "/bin/echo HIJ''ACKED";

interface Run { readonly status: number | null; readonly stdout: string; readonly stderr: string }

/** Runs a rendered exec command (`/bin/sh -c <script> ...`) with a PATH that holds only `sleep`. */
function run(command: string[]): Run {
  const r = spawnSync(command[0], command.slice(1), { env: { PATH: bin }, encoding: 'utf8', timeout: 5_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** How a wrapper may end: the consumer ran after the condition held, or it exited 1 with its message. */
type WrapperEnd = 'runs' | 'gives-up' | 'runs-or-gives-up';

/** `quoted`: the condition's text is a name or path, which must never run. */
function wrapperProblems(docs: Json[], end: WrapperEnd, quoted: boolean): string[] {
  const spec = podTemplateOf(docs.find(d => podTemplateOf(d)))?.spec as Json;
  const all: Json[] = [...spec?.containers ?? [], ...spec?.initContainers ?? []];
  const consumer = all.find(c => c.name === 'consumer');
  const producer = all.find(c => c.name === 'producer');
  const hook = producer?.lifecycle?.postStart?.exec?.command;
  const out: string[] = [];
  // Each gate, as the kubelet runs it: the consumer's wrapped command, the producer's postStart hook.
  const runs: Array<[string, string[], boolean]> = [];
  if (consumer?.command?.[0] === '/bin/sh') runs.push([`consumer ${JSON.stringify(consumer.command)}`, [...consumer.command, ...consumer.args ?? []], true]);
  if (hook) runs.push([`producer postStart hook ${JSON.stringify(hook)}`, hook, false]);
  if (runs.length === 0) out.push('no wait to run: the consumer is not wrapped and the producer has no postStart hook');
  for (const [what, command, isConsumer] of runs) {
    const r = run(command);
    // The consumer's command runs last, with its args, in place of the wrapper (exec).
    const ran = r.stdout.endsWith(`${CONSUMER_ARGS.join(' ')}\n`);
    const gaveUp = r.status === 1 && r.stderr.includes('cdk8s-multicontainer: ') && !r.stdout.includes('CONSUMER-RAN');
    const succeeded = r.status === 0 && (isConsumer ? ran : true);
    const clean = !quoted || (!r.stdout.includes(HIJACK) && !r.stderr.includes(HIJACK));
    const ok = clean && (end === 'runs' ? succeeded : end === 'gives-up' ? gaveUp : succeeded || gaveUp);
    if (!ok) out.push(`${what} ended with status ${r.status}, stdout ${JSON.stringify(r.stdout)}, stderr ${JSON.stringify(r.stderr)}; expected: ${end}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Expectations

interface SynthError {
  readonly class: 'synth-error';
  /** The rule id (or ids, or a pattern where the rule is not written yet). */
  readonly rule: string | RegExp;
  readonly field: string | RegExp;
  /** The construct path the line is prefixed with. */
  readonly path: string;
}

interface Valid {
  readonly class: 'valid';
  /** More assertions on the synthesized documents. */
  readonly check?: (docs: Json[]) => void;
  /** Run the readiness wrapper and the producer's hook: how they must end. */
  readonly wrapper?: WrapperEnd;
  /** The condition's text is a quoted name or path: nothing in it may run. */
  readonly quoted?: boolean;
}

/**
 * What a pattern cannot be built without (its workload, producer, consumer, readiness, main
 * container, props object) may stop construction at once: with an error shaped like a
 * validation line, `[<path>] <field>: <problem>. fix: <fix> (rule <id>)`, never a bare TypeError.
 */
interface ThrowsShaped {
  readonly class: 'throws-shaped';
  readonly rule: string;
  readonly field: string | RegExp;
  readonly path: string;
}

interface OneOf {
  readonly class: 'one-of';
  readonly options: ReadonlyArray<SynthError | Valid | ThrowsShaped>;
}

type Expected = SynthError | Valid | ThrowsShaped | OneOf;

const err = (rule: string | RegExp, field: string | RegExp, at = 'test/pod'): SynthError => ({ class: 'synth-error', rule, field, path: at });
const valid = (check?: (docs: Json[]) => void, wrapper?: WrapperEnd, quoted = false): Valid => ({ class: 'valid', check, wrapper, quoted });
const oneOf = (...options: Array<SynthError | Valid | ThrowsShaped>): OneOf => ({ class: 'one-of', options });
/** A required prop missing: reported at synth, or (for what the pattern cannot be built without) thrown at once, shaped alike. */
const required = (field: string | RegExp, at = 'test/pod'): OneOf => oneOf(err('required-prop', field, at), { class: 'throws-shaped', rule: 'required-prop', field, path: at });

const IMAGE_RULE = 'image-valid';

const MESSAGE = /^(?<field>[^\s:][^:]*?): (?<problem>.+)\. fix: (?<fix>.+) \(rule (?<rule>[a-z0-9-]+)\)$/s;
/** Characters a message must show escaped (`\u2028`), never raw: they would break its line, or hide. */
const RAW_UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/; // eslint-disable-line no-control-regex

const matches = (want: string | RegExp, got: string) => (typeof want === 'string' ? want === got : want.test(got));

function describeOutcome(o: Outcome): string {
  switch (o.kind) {
    case 'construction-threw': return `the construct threw while being built: ${String(o.error)}`;
    case 'synth-threw': return `synth threw something other than a validation error: ${String(o.error)}`;
    case 'invalid': return `synth failed validation:\n${o.lines.map(l => `  [${l.path}] ${l.message}`).join('\n')}`;
    case 'synthesized': return `synth succeeded:\n${o.yaml}`;
  }
}

/** Why the outcome is not the expected one; empty when it is. */
function failures(o: Outcome, e: SynthError | Valid | ThrowsShaped): string[] {
  if (e.class === 'throws-shaped') {
    if (o.kind !== 'construction-threw') return [`expected construction to stop with [${e.path}] ${e.field}: ... (rule ${e.rule}); ${describeOutcome(o)}`];
    const text = o.error instanceof Error && !(o.error instanceof TypeError) ? o.error.message : '';
    const line = /^\[(?<path>[^\]]*)\] (?<message>.*)$/s.exec(text);
    const shape = line ? MESSAGE.exec(line.groups!.message) : null;
    if (!line || !shape || line.groups!.path !== e.path || shape.groups!.rule !== e.rule || !matches(e.field, shape.groups!.field)) {
      return [`expected construction to stop with [${e.path}] ${e.field}: ... (rule ${e.rule}); ${describeOutcome(o)}`];
    }
    return RAW_UNPRINTABLE.test(text) ? [`the message quotes a value with raw control characters: ${JSON.stringify(text)}`] : [];
  }
  if (e.class === 'synth-error') {
    if (o.kind !== 'invalid') return [`expected a validation error (rule ${e.rule} at ${e.field}); ${describeOutcome(o)}`];
    const out: string[] = [];
    for (const line of o.lines) {
      if (!line.path.startsWith('test')) out.push(`a line does not name a construct path: [${line.path}] ${line.message}`);
      if (!MESSAGE.test(line.message) || !line.field) out.push(`a line is not "<field>: <problem>. fix: <fix> (rule <id>)": ${line.message}`);
      if (RAW_UNPRINTABLE.test(line.message)) out.push(`a line quotes a value with raw control characters or line separators: ${JSON.stringify(line.message)}`);
    }
    if (!o.lines.some(l => l.path === e.path && matches(e.rule, l.rule) && matches(e.field, l.field))) {
      out.push(`no line [${e.path}] with rule ${e.rule} at field ${e.field}; ${describeOutcome(o)}`);
    }
    return out;
  }
  if (o.kind !== 'synthesized') return [`expected a valid manifest; ${describeOutcome(o)}`];
  const out = manifestProblems(o.yaml, o.docs);
  if (out.length === 0 && e.wrapper) out.push(...wrapperProblems(o.docs, e.wrapper, e.quoted ?? false));
  if (out.length === 0 && e.check) {
    try {
      e.check(o.docs);
    } catch (error) {
      out.push(String(error));
    }
  }
  return out.length ? [...out, `YAML:\n${o.yaml}`] : [];
}

function expectOutcome(build: Build, expected: Expected): void {
  const o = outcomeOf(build);
  const options = expected.class === 'one-of' ? expected.options : [expected];
  const found = options.map(option => failures(o, option));
  if (found.some(f => f.length === 0)) return;
  throw new Error(found.map((f, i) => `${options.length > 1 ? `option ${i + 1}: ` : ''}${f.join('\n')}`).join('\n\n'));
}

// ---------------------------------------------------------------------------------------------
// Building blocks

const IMAGE = 'busybox:1.36';
const writer = (over: Json = {}): Json => ({ name: 'writer', image: IMAGE, command: ['sh', '-c', 'date > /data/now'], sharedMounts: [{ path: '/data' }], ...over });
const reader = (over: Json = {}): Json => ({ name: 'reader', image: IMAGE, command: ['cat', '/data/now'], sharedMounts: [{ path: '/data', readOnly: true }], ...over });

const sharedVolumePod = (chart: Chart, props: Partial<SharedVolumePodProps> = {}) => new SharedVolumePod(chart, 'pod', { containers: [writer(), reader()], ...props });
const ipcPod = (chart: Chart, props: Partial<IpcProducerConsumerPodProps> = {}) => new IpcProducerConsumerPod(chart, 'pod', {
  readiness: IpcReadiness.posixMessageQueue('/q'),
  producer: { image: 'producer:1', command: ['./produce'] },
  consumer: { image: 'consumer:1', command: ['./consume'] },
  ...props,
});
const sidecarPod = (chart: Chart, props: Partial<LocalhostSidecarPodProps> = {}) => new LocalhostSidecarPod(chart, 'pod', {
  main: { name: 'web', image: 'web:1', portNumber: 8080 },
  sidecars: [{ name: 'fetcher', image: 'curl:1' }],
  ...props,
});

/** A SharedVolumePod whose writer is changed by `over`. */
const withWriter = (over: Json): Build => chart => sharedVolumePod(chart, { containers: [writer(over), reader()] });
/** A LocalhostSidecarPod whose main container is changed by `over`. */
const withMain = (over: Json): Build => chart => sidecarPod(chart, { main: { name: 'web', image: 'web:1', portNumber: 8080, ...over } });

/** A wait of 0.2 s at most, so a condition that never holds gives up quickly. */
const QUICK = { timeout: Duration.millis(200), pollInterval: Duration.millis(100) };
/** An IpcProducerConsumerPod whose consumer runs CONSUMER_COMMAND after waiting for `readiness`. */
const gated = (readiness: IpcReadiness, startupGate?: StartupGate): Build => chart => ipcPod(chart, {
  readiness,
  startupGate,
  consumer: { image: 'consumer:1', command: CONSUMER_COMMAND, args: CONSUMER_ARGS },
});

const deployment = (chart: Chart, props: kplus.DeploymentProps = {}) => new kplus.Deployment(chart, 'web', { replicas: 2, ...props });
const podOf = (docs: Json[]): Json => podTemplateOf(docs.find(d => podTemplateOf(d)))!.spec;
const containerNamed = (docs: Json[], name: string): Json => {
  const spec = podOf(docs);
  return [...spec.containers, ...spec.initContainers ?? []].find((c: Json) => c.name === name);
};

const hex64 = 'a'.repeat(64);
const long = (n: number, c = 'a') => c.repeat(n);

interface Case { readonly name: string; readonly build: Build; readonly expect: Expected }
const c = (name: string, build: Build, expected: Expected): Case => ({ name, build, expect: expected });

// ---------------------------------------------------------------------------------------------
// The cases

const NAMES: Case[] = [
  ...([['uppercase', 'Web'], ['64 characters', long(64)], ['empty', ''], ['unicode', 'wéb'], ['dotted', 'web.1'], ['with an underscore', 'web_1'], ['ending in -', 'web-']] as const)
    .map(([what, name]) => c(`container name ${what}`, withWriter({ name }), err('container-name-dns-label', 'spec.containers[0].name'))),
  ...([['uppercase', 'HTML'], ['64 characters', long(64)], ['empty', ''], ['dotted', 'html.v1'], ['unicode', 'ünï']] as const)
    .map(([what, name]) => c(`shared volume name ${what}`, chart => sharedVolumePod(chart, {
      volumes: [{ name }], containers: [writer({ sharedMounts: [{ path: '/data', volume: name }] }), reader({ sharedMounts: [{ path: '/data', volume: name }] })],
    }), err('volume-name-dns-label', 'volumes[0].name'))),
  c('scratch volume name uppercase', withWriter({ scratchMounts: [{ path: '/tmp', volume: 'Tmp' }] }), err('volume-name-dns-label', /volumes\[\d+\]\.name|scratchMounts\[0\]\.volume/)),
  // cdk8s-plus cuts a Volume's name to 63 characters: the user's name would change silently.
  c('scratch volume name of 64 characters', withWriter({ scratchMounts: [{ path: '/tmp', volume: long(64) }] }), err('volume-name-dns-label', /volumes\[\d+\]\.name|scratchMounts\[0\]\.volume/)),
  ...([['uppercase', 'HTTP'], ['16 characters', long(16)], ['empty', ''], ['unicode', 'hüttp'], ['dotted', 'http.1'], ['starting with -', '-http'], ['with --', 'http--x'], ['without a letter', '8080']] as const)
    .map(([what, name]) => c(`port name ${what}`, withMain({ portNumber: undefined, ports: [{ number: 8080, name }] }), err('port-name-valid', 'spec.containers[0].ports[0].name'))),
  c('two containers named alike by two patterns on one Deployment', chart => {
    const web = deployment(chart);
    new SharedVolumes(chart, 'files', { workload: web, containers: [writer(), reader()] });
    new LocalhostSidecars(chart, 'proxy', { workload: web, main: { name: 'writer', image: 'web:1', portNumber: 8080 }, sidecars: [] });
  }, err('container-name-unique', 'spec.template.spec.containers[2].name', 'test/web')),
  c('two volumes named dshm by two patterns on one Deployment', chart => {
    const web = deployment(chart);
    new SharedVolumes(chart, 'files', { workload: web, volumes: [{ name: 'dshm' }], containers: [writer(), reader()] });
    new IpcProducerConsumer(chart, 'ipc', {
      workload: web,
      readiness: IpcReadiness.none(),
      shmSize: Size.mebibytes(64),
      producer: { name: 'producer', image: 'p:1' },
      consumer: { name: 'consumer', image: 'c:1' },
    });
  }, err('volume-name-unique', /^spec\.template\.spec\.volumes\[\d+\]\.name$/, 'test/web')),
  c('names at their limits (63-character container and volume names, a 15-character port name)', chart => sharedVolumePod(chart, {
    volumes: [{ name: long(63, 'v') }],
    containers: [writer({ name: long(63, 'w'), ports: [{ number: 8080, name: long(15, 'p') }] }), reader()],
  }), valid()),
];

const PORTS: Case[] = [
  ...([['0', 0], ['-1', -1], ['65536', 65536], ['NaN', NaN], ['1.5', 1.5], ['Infinity', Infinity]] as const)
    .flatMap(([what, n]) => [
      c(`portNumber ${what}`, withMain({ portNumber: n }), err('port-range', 'spec.containers[0].ports[0].containerPort')),
      c(`ports[].number ${what}`, withMain({ portNumber: undefined, ports: [{ number: n }] }), err('port-range', 'spec.containers[0].ports[0].containerPort')),
    ]),
  c('one port in the main container and a sidecar', chart => sidecarPod(chart, { sidecars: [{ name: 'fetcher', image: 'curl:1', portNumber: 8080 }] }),
    err('port-unique-in-pod', 'spec.containers[1].ports[0].containerPort')),
  c('one port declared by two patterns on one Deployment', chart => {
    const web = deployment(chart);
    new LocalhostSidecars(chart, 'a', { workload: web, main: { name: 'a', image: 'a:1', portNumber: 8080 }, sidecars: [] });
    new LocalhostSidecars(chart, 'b', { workload: web, main: { name: 'b', image: 'b:1', portNumber: 8080 }, sidecars: [] });
  }, err('port-unique-in-pod', 'spec.template.spec.containers[1].ports[0].containerPort', 'test/web')),
  c('one port in a native sidecar and an app container of a Job', chart => {
    const job = new kplus.Job(chart, 'web');
    new LocalhostSidecars(chart, 'proxy', {
      workload: job, main: { name: 'app', image: 'app:1', portNumber: 8080, longRunning: false }, sidecars: [{ name: 'envoy', image: 'envoy:1', portNumber: 8080, nativeSidecar: true }],
    });
  }, err('port-unique-in-pod', /^spec\.template\.spec\.(initContainers|containers)\[0\]\.ports\[0\]\.containerPort$/, 'test/web')),
  c('one port number, TCP in one container and UDP in another', chart => sidecarPod(chart, { sidecars: [{ name: 'dns', image: 'dns:1', ports: [{ number: 8080, protocol: kplus.Protocol.UDP }] }] }), valid()),
  c('hostPort 0', withMain({ portNumber: undefined, ports: [{ number: 8080, hostPort: 0 }] }), err('port-range', 'spec.containers[0].ports[0].hostPort')),
  c('hostPort 65536', withMain({ portNumber: undefined, ports: [{ number: 8080, hostPort: 65536 }] }), err('port-range', 'spec.containers[0].ports[0].hostPort')),
  c('hostPort 1.5', withMain({ portNumber: undefined, ports: [{ number: 8080, hostPort: 1.5 }] }), err('port-range', 'spec.containers[0].ports[0].hostPort')),
  c('hostPort NaN', withMain({ portNumber: undefined, ports: [{ number: 8080, hostPort: NaN }] }), err('port-range', 'spec.containers[0].ports[0].hostPort')),
  c('one host port asked for by two containers', chart => sidecarPod(chart, {
    main: { name: 'web', image: 'web:1', ports: [{ number: 8080, hostPort: 80 }] },
    sidecars: [{ name: 'metrics', image: 'm:1', ports: [{ number: 9090, hostPort: 80 }] }],
  }), err('host-port-unique', 'spec.containers[1].ports[0].hostPort')),
  c('a host port asked for once', withMain({ portNumber: undefined, ports: [{ number: 8080, hostPort: 8080 }] }), valid()),
];

const SIZES: Case[] = [
  // (cdk8s's Size refuses a negative amount itself, at the caller's line.)
  ...([['0', 0], ['0.5', 0.5], ['1.5', 1.5], ['1e21', 1e21], ['NaN', NaN], ['Infinity', Infinity]] as const).flatMap(([what, n]) => [
    c(`shared volume sizeLimit Size.mebibytes(${what})`, chart => sharedVolumePod(chart, { volumes: [{ name: 'data', sizeLimit: Size.mebibytes(n) }] }),
      err('size-limit-valid', /^volumes\[0\]\.sizeLimit/)),
    c(`shmSize Size.mebibytes(${what})`, chart => ipcPod(chart, { shmSize: Size.mebibytes(n) }), err('size-limit-valid', 'shmSize')),
  ]),
  c('scratch sizeLimit of 1.5 MiB', withWriter({ scratchMounts: [{ path: '/tmp', sizeLimit: Size.kibibytes(1536) }] }), err('size-limit-valid', 'containers[0].scratchMounts[0].sizeLimit')),
  // cdk8s-plus renders a memory quantity as `${mebibytes}Mi`: 1e21 becomes "1e+21Mi", which is no quantity.
  c('memory limit Size.mebibytes(1e21)', withWriter({ resources: { memory: { limit: Size.mebibytes(1e21) } } }), err('quantity-valid', /resources/)),
  c('memory request Size.mebibytes(NaN)', withWriter({ resources: { memory: { request: Size.mebibytes(NaN) } } }), err('quantity-valid', /resources/)),
  c('memory limit Size.mebibytes(Infinity)', withWriter({ resources: { memory: { limit: Size.mebibytes(Infinity) } } }), err('quantity-valid', /resources/)),
  // Not whole mebibytes: cdk8s-plus throws on it while writing the manifest.
  c('memory limit of 1.5 MiB (Size.kibibytes(1536))', withWriter({ resources: { memory: { limit: Size.kibibytes(1536) } } }), err('quantity-valid', /resources/)),
  c('cpu request Cpu.millis(NaN)', withWriter({ resources: { cpu: { request: kplus.Cpu.millis(NaN) } } }), err('quantity-valid', /resources/)),
  c('cpu limit Cpu.millis(-1)', withWriter({ resources: { cpu: { limit: kplus.Cpu.millis(-1) } } }), err('quantity-valid', /resources/)),
  c('cpu request Cpu.units(Infinity)', withWriter({ resources: { cpu: { request: kplus.Cpu.units(Infinity) } } }), err('quantity-valid', /resources/)),
  c('ephemeral storage limit of 1.5 MiB', withWriter({ resources: { ephemeralStorage: { limit: Size.kibibytes(1536) } } }), err('quantity-valid', /resources/)),
  // cdk8s-plus writes ephemeral storage in whole gibibytes, and throws on anything else while writing the manifest.
  c('ephemeral storage limit of 512 MiB', withWriter({ resources: { ephemeralStorage: { limit: Size.mebibytes(512) } } }), err('quantity-valid', /resources/)),
  c('resources at sane values (Cpu.units(0.5), Size.gibibytes(1))', withWriter({ resources: { cpu: { request: kplus.Cpu.units(0.5) }, memory: { limit: Size.gibibytes(1) } } }), valid()),
];

const DURATIONS: Case[] = [
  // cdk8s-plus writes whole seconds and throws on anything else while writing the manifest.
  c('terminationGracePeriod Duration.millis(1500) on a Pod', chart => sharedVolumePod(chart, { terminationGracePeriod: Duration.millis(1500) }), err('duration-valid', /terminationGracePeriod/)),
  c('terminationGracePeriod Duration.millis(1500) on a Deployment', chart => {
    new SharedVolumes(chart, 'files', { workload: deployment(chart, { terminationGracePeriod: Duration.millis(1500) }), containers: [writer(), reader()] });
  }, err('duration-valid', /terminationGracePeriod/, 'test/web')),
  c('readiness probe periodSeconds of 1.5 s', withMain({ readiness: kplus.Probe.fromHttpGet('/', { periodSeconds: Duration.millis(1500) }) }), err('duration-valid', /readiness/)),
  c('liveness probe timeoutSeconds of 0.5 s', withMain({ liveness: kplus.Probe.fromTcpSocket({ timeoutSeconds: Duration.millis(500) }) }), err('duration-valid', /liveness/)),
  c('startup probe initialDelaySeconds of 2.5 s', withMain({ startup: kplus.Probe.fromCommand(['true'], { initialDelaySeconds: Duration.millis(2500) }) }), err('duration-valid', /startup/)),
  c('a native sidecar\'s readiness probe periodSeconds of 1.5 s', chart => sidecarPod(chart, {
    sidecars: [{ name: 'envoy', image: 'envoy:1', nativeSidecar: true, readiness: kplus.Probe.fromCommand(['true'], { periodSeconds: Duration.millis(1500) }) }],
  }), err('duration-valid', /readiness/)),
  c('terminationGracePeriod Duration.minutes(1)', chart => sharedVolumePod(chart, { terminationGracePeriod: Duration.minutes(1) }), valid(docs => expect(podOf(docs).terminationGracePeriodSeconds).toBe(60))),
  ...([
    ['timeout 0', { timeout: Duration.seconds(0) }],
    ['pollInterval 0', { pollInterval: Duration.seconds(0) }],
    ['pollInterval longer than timeout', { timeout: Duration.seconds(1), pollInterval: Duration.seconds(2) }],
    ['timeout NaN', { timeout: Duration.seconds(NaN) }],
    ['timeout Infinity', { timeout: Duration.seconds(Infinity) }],
    ['pollInterval NaN', { pollInterval: Duration.seconds(NaN) }],
    ['pollInterval Infinity', { pollInterval: Duration.seconds(Infinity) }],
  ] as const).map(([what, options]) => c(`IpcReadiness ${what}`, chart => ipcPod(chart, { readiness: IpcReadiness.posixMessageQueue('/q', options) }), err('ipc-readiness-valid', 'readiness'))),
  c('IpcReadiness timeout NaN, gate NATIVE_SIDECAR', chart => ipcPod(chart, {
    readiness: IpcReadiness.posixMessageQueue('/q', { timeout: Duration.seconds(NaN) }), startupGate: StartupGate.NATIVE_SIDECAR, producer: { image: 'p:1', longRunning: true },
  }), err('ipc-readiness-valid', 'readiness')),
  c('Job activeDeadline of 1.5 s', chart => {
    new SharedVolumes(chart, 'files', { workload: new kplus.Job(chart, 'web', { activeDeadline: Duration.millis(1500) }), containers: [writer(), reader()] });
  }, err('duration-valid', /activeDeadlineSeconds/, 'test/web')),
  c('CronJob activeDeadline of 1.5 s', chart => {
    new SharedVolumes(chart, 'files', { workload: new kplus.CronJob(chart, 'web', { schedule: Cron.daily(), activeDeadline: Duration.millis(1500) }), containers: [writer(), reader()] });
  }, err('duration-valid', /activeDeadlineSeconds/, 'test/web')),
  c('CronJob ttlAfterFinished of 1.5 s', chart => {
    new SharedVolumes(chart, 'files', { workload: new kplus.CronJob(chart, 'web', { schedule: Cron.daily(), ttlAfterFinished: Duration.millis(1500) }), containers: [writer(), reader()] });
  }, err('duration-valid', /ttlSecondsAfterFinished/, 'test/web')),
  c('a probe period of 1.5 s on a container added later through cdk8s-plus', chart => {
    sharedVolumePod(chart).addContainer({ name: 'later', image: IMAGE, readiness: kplus.Probe.fromCommand(['true'], { periodSeconds: Duration.millis(1500) }) });
  }, err('duration-valid', /^spec\.containers\[2\]/)),
  c('IpcReadiness timeout 1.5 s, poll 0.5 s (not whole seconds, fine for the wrapper)', gated(IpcReadiness.file('/nonexistent', { timeout: Duration.millis(1500), pollInterval: Duration.millis(500) })), valid(undefined, 'gives-up')),
  c('IpcReadiness poll 1.5 s, gate NATIVE_SIDECAR (the probe period rounds up to whole seconds)', chart => ipcPod(chart, {
    readiness: IpcReadiness.posixMessageQueue('/q', { timeout: Duration.seconds(3), pollInterval: Duration.millis(1500) }),
    startupGate: StartupGate.NATIVE_SIDECAR,
    producer: { image: 'p:1', longRunning: true },
  }), valid(docs => expect(containerNamed(docs, 'producer').startupProbe).toMatchObject({ periodSeconds: 2, failureThreshold: 2 }))),
  c('IpcReadiness timeout of a year', chart => ipcPod(chart, { readiness: IpcReadiness.posixMessageQueue('/q', { timeout: Duration.days(365) }) }), valid()),
];

const NUL_COMMAND = 'echo a\0b';
const HUGE = long(MAX_ARG_STRLEN, 'x'); // one byte too many with its NUL
const STRINGS: Case[] = [
  c('NUL in a command', withWriter({ command: ['sh', '-c', NUL_COMMAND] }), err('string-passable', 'spec.containers[0].command[2]')),
  c('NUL in args', withWriter({ args: ['a\0b'] }), err('string-passable', 'spec.containers[0].args[0]')),
  c('NUL in an environment variable value', withWriter({ envVariables: { GREETING: kplus.EnvValue.fromValue('hi\0there') } }), err('string-passable', 'spec.containers[0].env[0].value')),
  c('NUL in a probe command', withMain({ readiness: kplus.Probe.fromCommand(['sh', '-c', NUL_COMMAND]) }), err('string-passable', /readiness/)),
  c('NUL in a postStart hook', withMain({ lifecycle: { postStart: kplus.Handler.fromCommand(['sh', '-c', NUL_COMMAND]) } }), err('string-passable', /lifecycle|postStart/)),
  c('NUL in a readiness condition', gated(IpcReadiness.command('test -e /x\0y')), err(/^(ipc-readiness-valid|string-passable)$/, /readiness|spec\.containers\[1\]\.command\[2\]/)),
  c(`a command string of ${MAX_ARG_STRLEN} bytes (MAX_ARG_STRLEN with its NUL)`, withWriter({ command: ['sh', '-c', HUGE] }), err('string-passable', 'spec.containers[0].command[2]')),
  c('an argument of 70,000 two-byte characters (140,000 bytes)', withWriter({ args: [long(70_000, 'é')] }), err('string-passable', 'spec.containers[0].args[0]')),
  c(`an environment variable of ${MAX_ARG_STRLEN} bytes with its name`, withWriter({ envVariables: { BIG: kplus.EnvValue.fromValue(long(MAX_ARG_STRLEN - 4, 'x')) } }), err('string-passable', 'spec.containers[0].env[0].value')),
  c(`a command string of ${MAX_ARG_STRLEN - 1} bytes (the most execve takes)`, withWriter({ command: ['sh', '-c', long(MAX_ARG_STRLEN - 1, 'x')] }), valid()),
  c('U+2028 in a command', withWriter({ command: ['sh', '-c', 'echo a\u2028b'] }), err('yaml-safe-strings', 'spec.containers[0].command[2]')),
  c('U+2029 in args', withWriter({ args: ['a\u2029b'] }), err('yaml-safe-strings', 'spec.containers[0].args[0]')),
  c('U+2028 in an environment variable value', withWriter({ envVariables: { X: kplus.EnvValue.fromValue('a\u2028b') } }), err('yaml-safe-strings', 'spec.containers[0].env[0].value')),
  c('U+2028 in a queue name (the consumer waits)', chart => ipcPod(chart, { readiness: IpcReadiness.posixMessageQueue('/q\u2028x') }),
    err(/^(ipc-readiness-valid|yaml-safe-strings)$/, /^(readiness|spec\.containers\[1\]\.command\[2\])$/)),
  c('U+2028 in a queue name (PRODUCER_POST_START: the wait is the producer\'s postStart hook)', chart => ipcPod(chart, {
    readiness: IpcReadiness.posixMessageQueue('/q\u2028x'), startupGate: StartupGate.PRODUCER_POST_START,
  }), err(/^(ipc-readiness-valid|yaml-safe-strings)$/, /^(readiness|.*postStart.*)$/)),
  c('U+2028 in a queue name (NATIVE_SIDECAR: the wait is the producer\'s startup probe)', chart => ipcPod(chart, {
    readiness: IpcReadiness.posixMessageQueue('/q\u2028x'), startupGate: StartupGate.NATIVE_SIDECAR, producer: { image: 'p:1', longRunning: true },
  }), err(/^(ipc-readiness-valid|yaml-safe-strings)$/, /^(readiness|.*startupProbe.*)$/)),
  c('U+2028 in a file path to wait for', gated(IpcReadiness.file('/tmp/a\u2028b')), err(/^(ipc-readiness-valid|yaml-safe-strings)$/, /^(readiness|spec\.containers\[1\]\.command\[2\])$/)),
  c('U+2028 in a readiness probe command', withMain({ readiness: kplus.Probe.fromCommand(['sh', '-c', 'test a\u2028b']) }), err('yaml-safe-strings', /readiness/)),
  c('U+2028 in a preStop hook', withMain({ lifecycle: { preStop: kplus.Handler.fromCommand(['sh', '-c', 'echo a\u2028b']) } }), err('yaml-safe-strings', /lifecycle|preStop/)),
  c('DEL in an environment variable value', withWriter({ envVariables: { X: kplus.EnvValue.fromValue('a\u007fb') } }), err('yaml-safe-strings', 'spec.containers[0].env[0].value')),
  c('a multi-line argument starting with a line break and indentation', withWriter({ args: ['\n  echo one\n  echo two'] }), err('yaml-safe-strings', 'spec.containers[0].args[0]')),
  c('a multi-line environment variable starting with a tab', withWriter({ envVariables: { SCRIPT: kplus.EnvValue.fromValue('\tline one\nline two') } }), err('yaml-safe-strings', 'spec.containers[0].env[0].value')),
  c('a multi-line liveness probe command starting with spaces', withMain({ liveness: kplus.Probe.fromCommand(['sh', '-c', '  test -e /a\n  test -e /b']) }), err('yaml-safe-strings', /liveness/)),
  c('a multi-line postStart hook starting with a line break', withMain({ lifecycle: { postStart: kplus.Handler.fromCommand(['sh', '-c', '\n  echo started\n']) } }), err('yaml-safe-strings', /lifecycle|postStart/)),
  c('U+2028 in the probe of a container added later through cdk8s-plus', chart => {
    sharedVolumePod(chart).addContainer({ name: 'later', image: IMAGE, liveness: kplus.Probe.fromCommand(['sh', '-c', 'test a\u2028b']) });
  }, err('yaml-safe-strings', /^spec\.containers\[2\]\.liveness/)),
  c('NUL in the command of a container added later through cdk8s-plus', chart => {
    sharedVolumePod(chart).addContainer({ name: 'later', image: IMAGE, command: ['sh', '-c', NUL_COMMAND] });
  }, err('string-passable', 'spec.containers[2].command[2]')),
  c('U+2028 in a working directory', withWriter({ workingDir: '/srv/a\u2028b' }), err('yaml-safe-strings', /workingDir/)),
  c('U+2028 in an HTTP probe path', withMain({ readiness: kplus.Probe.fromHttpGet('/healthz\u2028') }), err('yaml-safe-strings', /readiness/)),
  c('U+2028 in a Pod annotation', chart => sharedVolumePod(chart, { metadata: { annotations: { note: 'a\u2028b' } } }), err('yaml-safe-strings', /^metadata\.annotations/)),
  c('ESC and other C0 controls in a command (YAML escapes them)', withWriter({ command: ['sh', '-c', 'printf "\u001b[31mred\u001b[0m\u0007"'] }), valid()),
  c('a trailing backslash in a command', withWriter({ command: ['sh', '-c', 'echo done \\'] }), valid()),
  c('a backslash line continuation in a command', withWriter({ command: ['sh', '-c', 'echo one \\\n  two'] }), valid()),
  c('a single-line command starting with a space', withWriter({ command: ['sh', '-c', ' echo hi'] }), valid()),
  c('a multi-line command starting on its first character', withWriter({ command: ['sh', '-c', 'echo one\n  echo two\n'] }), valid()),
  c('emoji and CJK in a command and an environment variable', withWriter({ command: ['sh', '-c', 'echo 🚀 日本語'], envVariables: { MOOD: kplus.EnvValue.fromValue('🙂') } }), valid()),
];

const ENV_NAME_FIELD = 'spec.containers[0].env[0].name';
const ENV: Case[] = [
  ...([['a space', 'MY VAR'], ['=', 'A=B'], ['nothing (empty)', ''], ['a leading digit', '1ABC'], ['a non-ASCII letter', 'ÄPFEL'], ['a line break', 'A\nB'], ['a NUL', 'A\0B']] as const)
    .map(([what, name]) => c(`environment variable name with ${what}`, withWriter({ envVariables: { [name]: kplus.EnvValue.fromValue('x') } }), err('env-name-valid', ENV_NAME_FIELD))),
  c('environment variable name with a space, from a secret', chart => sharedVolumePod(chart, {
    containers: [writer({ envVariables: { 'DB PASSWORD': kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(chart, 'db', 'db'), key: 'password' }) } }), reader()],
  }), err('env-name-valid', ENV_NAME_FIELD)),
  c('environment variable name with a space, on a sidecar beside the injected MAIN_* variables', chart => sidecarPod(chart, {
    sidecars: [{ name: 'fetcher', image: 'curl:1', envVariables: { 'BAD NAME': kplus.EnvValue.fromValue('x') } }],
  }), err('env-name-valid', 'spec.containers[1].env[3].name')),
  c('environment variable name with =, added later through cdk8s-plus', chart => {
    sharedVolumePod(chart).containers[1].env.addVariable('A=B', kplus.EnvValue.fromValue('x'));
  }, err('env-name-valid', 'spec.containers[1].env[0].name')),
  c('environment variable names with dots, dashes and a leading underscore', withWriter({ envVariables: { 'my.var-1': kplus.EnvValue.fromValue('x'), '_X': kplus.EnvValue.fromValue('y'), '-dash': kplus.EnvValue.fromValue('z') } }), valid()),
  c('a sidecar overriding MAIN_URL keeps its own value', chart => sidecarPod(chart, { sidecars: [{ name: 'fetcher', image: 'curl:1', envVariables: { MAIN_URL: kplus.EnvValue.fromValue('http://127.0.0.1:8080') } }] }),
    valid(docs => expect(containerNamed(docs, 'fetcher').env).toContainEqual({ name: 'MAIN_URL', value: 'http://127.0.0.1:8080' }))),
];

const METADATA: Case[] = [
  ...([['uppercase and _', 'My_Pod'], ['254 characters', long(254)], ['an empty label', 'a..b'], ['a leading dot', '.pod'], ['a space', 'my pod']] as const)
    .map(([what, name]) => c(`Pod metadata.name with ${what}`, chart => sharedVolumePod(chart, { metadata: { name } }), err('metadata-name-valid', 'metadata.name'))),
  c('Pod metadata.name of 253 characters in dotted labels', chart => sharedVolumePod(chart, { metadata: { name: `${long(63)}.${long(63)}.${long(63)}.${long(61)}` } }), valid()),
  c('Pod metadata.name with dots', chart => sharedVolumePod(chart, { metadata: { name: 'pod.with.dots' } }), valid()),
  c('Deployment metadata.name with uppercase', chart => {
    new SharedVolumes(chart, 'files', { workload: deployment(chart, { metadata: { name: 'Web' } }), containers: [writer(), reader()] });
  }, err('metadata-name-valid', 'metadata.name', 'test/web')),
  c('Job metadata.name with _', chart => {
    new SharedVolumes(chart, 'files', { workload: new kplus.Job(chart, 'web', { metadata: { name: 'nightly_job' } }), containers: [writer(), reader()] });
  }, err('metadata-name-valid', 'metadata.name', 'test/web')),
  c('CronJob metadata.name of 53 characters', chart => {
    new SharedVolumes(chart, 'files', { workload: new kplus.CronJob(chart, 'web', { schedule: Cron.daily(), metadata: { name: long(53) } }), containers: [writer(), reader()] });
  }, err('metadata-name-valid', 'metadata.name', 'test/web')),
  c('Job metadata.name of 64 characters (its Pods\' job-name label holds at most 63)', chart => {
    new SharedVolumes(chart, 'files', { workload: new kplus.Job(chart, 'web', { metadata: { name: long(64) } }), containers: [writer(), reader()] });
  }, err('metadata-name-valid', 'metadata.name', 'test/web')),
  c('Deployment metadata.name of 254 characters', chart => {
    new SharedVolumes(chart, 'files', { workload: deployment(chart, { metadata: { name: long(254) } }), containers: [writer(), reader()] });
  }, err('metadata-name-valid', 'metadata.name', 'test/web')),
  c('CronJob metadata.name of 52 characters', chart => {
    new SharedVolumes(chart, 'files', { workload: new kplus.CronJob(chart, 'web', { schedule: Cron.daily(), metadata: { name: long(52) } }), containers: [writer(), reader()] });
  }, valid()),
];

const IMAGES: Case[] = [
  ...([['a leading space', ' nginx:1.27'], ['a trailing space', 'nginx:1.27 '], ['a trailing tab', 'nginx:1.27\t'], ['a trailing line break', 'nginx:1.27\n'],
    ['an inner space', 'nginx 1.27'], ['uppercase', 'NGINX:1.27'], ['two tags', 'nginx:1.27:latest'], ['an empty tag', 'nginx:'], ['a short digest', 'nginx@sha256:abc'],
    ['a tag of 129 characters', `nginx:${long(129)}`], ['a leading /', '/nginx'], ['a URL', 'https://registry.example.com/nginx']] as const)
    .map(([what, image]) => c(`image with ${what}`, withWriter({ image }), err(IMAGE_RULE, 'spec.containers[0].image'))),
  c('image empty', withWriter({ image: '' }), err('image-set', 'spec.containers[0].image')),
  c('image blank', withWriter({ image: '   ' }), err('image-set', 'spec.containers[0].image')),
  c('image with a leading space on an init container', chart => sharedVolumePod(chart, { initContainers: [{ name: 'setup', image: ' busybox:1.36' }] }), err(IMAGE_RULE, 'spec.initContainers[0].image')),
  c('image with a trailing space on a container added later through cdk8s-plus', chart => {
    sharedVolumePod(chart).addContainer({ name: 'later', image: 'busybox:1.36 ' });
  }, err(IMAGE_RULE, 'spec.containers[2].image')),
  c('image with a registry, a port, a path and a tag', withWriter({ image: 'registry.example.com:5000/team/app:v1.2.3' }), valid()),
  c('image pinned by digest', withWriter({ image: `nginx@sha256:${hex64}` }), valid()),
  c('image with a tag and a digest', withWriter({ image: `docker.io/library/nginx:1.27@sha256:${hex64}` }), valid()),
  c('image on localhost with an IPv6 registry', withWriter({ image: '[::1]:5000/app' }), valid()),
];

// Readiness conditions: whatever the text, the consumer's command runs after the wait, or the
// wrapper exits 1 with its message. Refusing the condition at synth is right too.
const contained = (end: WrapperEnd = 'runs-or-gives-up') => oneOf(err('ipc-readiness-valid', 'readiness'), valid(undefined, end));
const READINESS: Case[] = [
  c('command(...) that holds, with a comment', gated(IpcReadiness.command('true # x', QUICK)), valid(undefined, 'runs')),
  c('command(...) that never holds, with a comment', gated(IpcReadiness.command('false # x', QUICK)), valid(undefined, 'gives-up')),
  c('command(...) with a trailing line break', gated(IpcReadiness.command('true\n', QUICK)), valid(undefined, 'runs')),
  c('command(...) with an unbalanced double quote', gated(IpcReadiness.command('test -e "/x', QUICK)), contained()),
  c('command(...) with an unbalanced single quote', gated(IpcReadiness.command('test -e \'/x', QUICK)), contained()),
  c('command(...) with a trailing backslash', gated(IpcReadiness.command('true \\', QUICK)), contained()),
  c('command(...) that is a lone }', gated(IpcReadiness.command('}', QUICK)), contained()),
  c('command(...) "done; exit 0; {" closing the wrapper\'s loop', gated(IpcReadiness.command('done; exit 0; {', QUICK)), contained()),
  c('command(...) that closes the braces and the loop, then exits 0 before the consumer', gated(IpcReadiness.command('true; }; do :; done; exit 0; until { true', QUICK)), contained()),
  c('command(...) that closes the braces and the loop, then runs something else', gated(IpcReadiness.command(`true; }; do :; done; exec ${HIJACK_ECHO}; until { true`, QUICK)), contained()),
  c('command(...) "exit 0"', gated(IpcReadiness.command('exit 0', QUICK)), contained()),
  c('command(...) that replaces the consumer\'s command ("set -- ...")', gated(IpcReadiness.command(`set -- ${HIJACK_ECHO}; true`, QUICK)), contained()),
  c('command(...) that execs something else', gated(IpcReadiness.command(`exec ${HIJACK_ECHO}`, QUICK)), contained()),
  c('command(...) starting with - (a shell reads it as options)', gated(IpcReadiness.command('-x true', QUICK)), contained()),
  c('command(...) starting with +', gated(IpcReadiness.command('+e true', QUICK)), contained()),
  c('command(...) that kills its own shell', gated(IpcReadiness.command('kill -9 $$', QUICK)), contained('gives-up')),
  c('command(...) that resets the wrapper\'s counter', gated(IpcReadiness.command('tries=-1000000; false', QUICK)), contained('gives-up')),
  c('the loop-closing command(...) as the producer\'s postStart hook', gated(IpcReadiness.command('true; }; do :; done; exit 0; until { true', QUICK), StartupGate.PRODUCER_POST_START), contained('gives-up')),
  c('the loop-closing command(...) with BOTH gates', gated(IpcReadiness.command('true; }; do :; done; exit 0; until { true', QUICK), StartupGate.BOTH), contained('gives-up')),
  // Not run here: a condition runs inside the Pod, and is the user's to write (the container would reboot, or fail to).
  c('command(...) "$(reboot)" (not run)', chart => ipcPod(chart, { readiness: IpcReadiness.command('$(reboot)') }), oneOf(err('ipc-readiness-valid', 'readiness'), valid())),
  c('command(...) blank', chart => ipcPod(chart, { readiness: IpcReadiness.command('  \n ') }), err('ipc-readiness-valid', 'readiness')),
  c('a queue name with a single quote', gated(IpcReadiness.posixMessageQueue('/q\'x', QUICK)), valid(undefined, 'gives-up', true)),
  c('a file path with a command substitution', gated(IpcReadiness.file(`/nonexistent/$(${HIJACK_ECHO} >&2)`, QUICK)), valid(undefined, 'gives-up', true)),
  c('a file that exists', chart => gated(IpcReadiness.file('/', QUICK))(chart), valid(undefined, 'runs')),
  c('a queue name with a /', chart => ipcPod(chart, { readiness: IpcReadiness.posixMessageQueue('/a/b') }), err('ipc-readiness-valid', 'readiness')),
  c('a queue name of 256 characters', chart => ipcPod(chart, { readiness: IpcReadiness.posixMessageQueue(`/${long(256)}`) }), err('ipc-readiness-valid', 'readiness')),
  c('a shared memory name "/.."', chart => ipcPod(chart, { readiness: IpcReadiness.posixSharedMemory('/..') }), err('ipc-readiness-valid', 'readiness')),
  c('a relative file path', chart => ipcPod(chart, { readiness: IpcReadiness.file('ready') }), err('ipc-readiness-valid', 'readiness')),
  ...([['0 (IPC_PRIVATE)', 0], ['NaN', NaN], ['1.5', 1.5], ['2^32', 2 ** 32], ['-2^31 - 1', -(2 ** 31) - 1]] as const).map(([what, key]) =>
    c(`System V key ${what}`, chart => ipcPod(chart, { readiness: IpcReadiness.sysvMessageQueue(key) }), err('ipc-readiness-valid', 'readiness'))),
  c('System V key -1 (a valid signed key)', chart => ipcPod(chart, { readiness: IpcReadiness.sysvSharedMemory(-1) }), valid()),
];

const MUTATIONS: Case[] = [
  c('a container pushed to the props array after construction is not added', chart => {
    const containers = [writer(), reader()];
    sharedVolumePod(chart, { containers });
    containers.push({ name: 'late', image: IMAGE });
  }, valid(docs => expect(podOf(docs).containers.map((x: Json) => x.name)).toEqual(['writer', 'reader']))),
  c('two containers sharing one volumeMounts array keep their own mounts', chart => {
    const cache = kplus.Volume.fromEmptyDir(chart, 'cache', 'cache');
    const common = [{ path: '/cache', volume: cache }];
    sharedVolumePod(chart, { containers: [writer({ volumeMounts: common, sharedMounts: [{ path: '/out' }] }), reader({ volumeMounts: common, sharedMounts: [{ path: '/in' }] })] });
  }, valid(docs => {
    expect(containerNamed(docs, 'writer').volumeMounts.map((m: Json) => m.mountPath)).toEqual(['/cache', '/out']);
    expect(containerNamed(docs, 'reader').volumeMounts.map((m: Json) => m.mountPath)).toEqual(['/cache', '/in']);
  })),
  c('a mount pushed to a volumeMounts props array after construction: not added, or checked', chart => {
    const mounts: kplus.VolumeMount[] = [];
    sharedVolumePod(chart, { containers: [writer({ volumeMounts: mounts }), reader()] });
    mounts.push({ path: 'relative', volume: kplus.Volume.fromEmptyDir(chart, 'v', 'v') });
  }, oneOf(err('mount-path-valid', /^spec\.containers\[0\]\.volumeMounts\[\d\]\.mountPath$/), valid(docs => expect(containerNamed(docs, 'writer').volumeMounts).toHaveLength(1)))),
  c('a U+2028 pushed to an args props array after construction: not added, or checked', chart => {
    const args = ['hello'];
    sharedVolumePod(chart, { containers: [writer({ args }), reader()] });
    args.push('a\u2028b');
  }, oneOf(err('yaml-safe-strings', 'spec.containers[0].args[1]'), valid(docs => expect(containerNamed(docs, 'writer').args).toEqual(['hello'])))),
  c('a port object set to 0 after construction: not changed, or checked', chart => {
    const port = { number: 8080 };
    sidecarPod(chart, { main: { name: 'web', image: 'web:1', ports: [port] } });
    (port as Json).number = 0;
  }, oneOf(err('port-range', 'spec.containers[0].ports[0].containerPort'), valid(docs => expect(containerNamed(docs, 'web').ports).toEqual([{ containerPort: 8080 }])))),
  c('a port object changed after construction: reported, since the sidecars were told the port', chart => {
    const port = { number: 8080 };
    sidecarPod(chart, { main: { name: 'web', image: 'web:1', ports: [port] } });
    (port as Json).number = 9090;
  // The sidecars were given MAIN_PORT when they were added: the change is reported, not half-applied.
  }, err('localhost-main-port', 'main.ports[0]')),
  c('an environment object changed after construction: the new variable is checked', chart => {
    const envVariables: Record<string, kplus.EnvValue> = {};
    sharedVolumePod(chart, { containers: [writer({ envVariables }), reader()] });
    envVariables['BAD NAME'] = kplus.EnvValue.fromValue('x');
  }, oneOf(err('env-name-valid', ENV_NAME_FIELD), valid(docs => expect(containerNamed(docs, 'writer').env).toBeUndefined()))),
  c('a container with a duplicate name added later through cdk8s-plus', chart => {
    sharedVolumePod(chart).addContainer({ name: 'writer', image: IMAGE });
  }, err('container-name-unique', 'spec.containers[2].name')),
  c('a container with a duplicate name added after a first synth', chart => {
    const pod = sharedVolumePod(chart);
    firstSynth(chart);
    pod.addContainer({ name: 'reader', image: IMAGE });
  }, err('container-name-unique', 'spec.containers[2].name')),
  c('a duplicate port added to a sidecar after a first synth', chart => {
    const pod = sidecarPod(chart);
    firstSynth(chart);
    pod.sidecars[0].addPort({ number: 8080 });
  }, err('port-unique-in-pod', 'spec.containers[1].ports[0].containerPort')),
  c('a mount of a volume the Pod lacks, added after a first synth', chart => {
    const pod = sharedVolumePod(chart);
    firstSynth(chart);
    pod.addSharedMounts(pod.containers[0], [{ path: '/x', volume: 'nope' }]);
  }, err('mount-volume-exists', 'addSharedMounts("writer")[0].volume')),
  c('a relative mount path, added after a first synth', chart => {
    const pod = sharedVolumePod(chart);
    firstSynth(chart);
    pod.containers[1].mount('relative', pod.sharedVolumes[0]);
  }, err('mount-path-valid', 'spec.containers[1].volumeMounts[1].mountPath')),
  c('a volume with an uppercase name, added after a first synth', chart => {
    const pod = sharedVolumePod(chart);
    firstSynth(chart);
    pod.addVolume(kplus.Volume.fromEmptyDir(chart, 'cache', 'Cache'));
  }, err('volume-name-dns-label', /^spec\.volumes\[\d\]\.name$/)),
  c('an environment variable with a bad name, added after a first synth', chart => {
    const pod = sharedVolumePod(chart);
    firstSynth(chart);
    pod.containers[0].env.addVariable('BAD NAME', kplus.EnvValue.fromValue('x'));
  }, err('env-name-valid', ENV_NAME_FIELD)),
  c('a U+2028 environment value, added after a first synth', chart => {
    const pod = sharedVolumePod(chart);
    firstSynth(chart);
    pod.containers[0].env.addVariable('X', kplus.EnvValue.fromValue('a\u2028b'));
  }, err('yaml-safe-strings', 'spec.containers[0].env[0].value')),
  c('a consumer without a command, added after a first synth', chart => {
    const pod = ipcPod(chart);
    firstSynth(chart);
    pod.addConsumer({ image: 'consumer:1' });
  }, err('ipc-consumer-command', 'addConsumer("consumer-1").command')),
  c('a sidecar declaring the main container\'s port, added after a first synth', chart => {
    const pod = sidecarPod(chart);
    firstSynth(chart);
    pod.addSidecar({ name: 'shadow', image: 'shadow:1', portNumber: 8080 });
  }, err('port-unique-in-pod', 'spec.containers[2].ports[0].containerPort')),
  c('a second synth after a fix succeeds', chart => {
    const pod = sharedVolumePod(chart);
    pod.containers[0].env.addVariable('GREETING', kplus.EnvValue.fromValue('hi'));
    firstSynth(chart);
  }, valid()),
];

const INIT_CONTAINERS: Case[] = [
  c('an init container with portNumber, added later through the Pod form', chart => {
    sharedVolumePod(chart).addInitContainer({ name: 'setup', image: IMAGE, portNumber: 8080 });
  // The Pod form takes it as the pattern's own init containers: a plain port, no default startup probe.
  }, valid(docs => {
    const setup = docs[0].spec.initContainers[0];
    expect(setup.ports).toEqual([{ containerPort: 8080 }]);
    expect(setup.startupProbe).toBeUndefined();
  })),
  c('an init container with portNumber, added to a Deployment after a first synth', chart => {
    const web = deployment(chart);
    new SharedVolumes(chart, 'files', { workload: web, containers: [writer(), reader()] });
    firstSynth(chart);
    web.addInitContainer({ name: 'setup', image: IMAGE, portNumber: 8080 });
  }, err('init-container-probes', 'spec.template.spec.initContainers[0].startupProbe', 'test/web')),
  c('an init container with a readiness probe, added later through cdk8s-plus', chart => {
    sharedVolumePod(chart).addInitContainer({ name: 'setup', image: IMAGE, readiness: kplus.Probe.fromCommand(['true']) });
  }, err('init-container-probes', 'addInitContainer("setup").readiness')),
  c('an init container with a startup probe in the props', chart => sharedVolumePod(chart, { initContainers: [{ name: 'setup', image: IMAGE, startup: kplus.Probe.fromCommand(['true']) }] }),
    err('init-container-probes', 'initContainers[0].startup')),
  c('an init container with ports, one of them an app container\'s (they never run together)', chart => {
    sidecarPod(chart).addInitContainer({ name: 'setup', image: IMAGE, ports: [{ number: 8080 }] });
  }, valid()),
  c('an init container named like an app container', chart => sharedVolumePod(chart, { initContainers: [{ name: 'writer', image: IMAGE }] }),
    err('container-name-unique', /^spec\.(containers\[0\]|initContainers\[0\])\.name$/)),
];

const NATIVE_SIDECARS: Case[] = [
  c('restartPolicy Always through a cast on a sidecar', chart => {
    new LocalhostSidecars(chart, 'proxy', { workload: deployment(chart), main: { name: 'app', image: 'app:1', portNumber: 8080 }, sidecars: [{ name: 'envoy', image: 'envoy:1', restartPolicy: 'Always' } as Json] });
  }, err('native-sidecar-restart-policy', 'sidecars[0].restartPolicy', 'test/proxy')),
  c('restartPolicy Never through a cast on a shared-volume container', chart => sharedVolumePod(chart, { containers: [writer({ restartPolicy: 'Never' }), reader()] }),
    err('native-sidecar-restart-policy', 'containers[0].restartPolicy')),
  c('a native sidecar declared longRunning: false', chart => sidecarPod(chart, { sidecars: [{ name: 'envoy', image: 'envoy:1', nativeSidecar: true, longRunning: false }] }),
    err('native-sidecar-exits', 'sidecars[0].longRunning')),
  c('StartupGate.NATIVE_SIDECAR with a producer not declared to keep running', chart => ipcPod(chart, { startupGate: StartupGate.NATIVE_SIDECAR }), err('native-sidecar-exits', 'producer.longRunning')),
  c('StartupGate.NATIVE_SIDECAR with a producer that has a startup probe', chart => ipcPod(chart, {
    startupGate: StartupGate.NATIVE_SIDECAR, producer: { image: 'p:1', longRunning: true, startup: kplus.Probe.fromCommand(['true']) },
  }), err('ipc-producer-startup-probe', 'producer.startup')),
  c('a native sidecar with a port on a Job', chart => {
    new LocalhostSidecars(chart, 'proxy', {
      workload: new kplus.Job(chart, 'web'),
      main: { name: 'app', image: 'app:1', command: ['./run-once'], ports: [{ number: 8080 }], longRunning: false },
      sidecars: [{ name: 'envoy', image: 'envoy:1', portNumber: 9901, nativeSidecar: true }],
    });
  }, valid(docs => expect(containerNamed(docs, 'envoy')).toMatchObject({ restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 9901 } } }))),
  c('StartupGate.NATIVE_SIDECAR on a CronJob', chart => {
    new IpcProducerConsumer(chart, 'ipc', {
      workload: new kplus.CronJob(chart, 'web', { schedule: Cron.daily() }),
      readiness: IpcReadiness.posixMessageQueue('/q'),
      startupGate: StartupGate.NATIVE_SIDECAR,
      producer: { name: 'producer', image: 'p:1', longRunning: true },
      consumer: { name: 'consumer', image: 'c:1', command: ['./consume'] },
    });
  }, valid(docs => expect(containerNamed(docs, 'producer').startupProbe.exec.command[0]).toBe('/bin/sh'))),
];

const WORKLOADS: Case[] = [
  c('a Deployment with restartPolicy Never', chart => {
    new SharedVolumes(chart, 'files', { workload: deployment(chart, { restartPolicy: kplus.RestartPolicy.NEVER }), containers: [writer(), reader()] });
  }, err('workload-restart-policy', 'spec.template.spec.restartPolicy', 'test/web')),
  c('a DaemonSet with restartPolicy OnFailure', chart => {
    new SharedVolumes(chart, 'files', { workload: new kplus.DaemonSet(chart, 'web', { restartPolicy: kplus.RestartPolicy.ON_FAILURE }), containers: [writer(), reader()] });
  }, err('workload-restart-policy', 'spec.template.spec.restartPolicy', 'test/web')),
  c('a Job with restartPolicy Always', chart => {
    new SharedVolumes(chart, 'files', { workload: new kplus.Job(chart, 'web', { restartPolicy: kplus.RestartPolicy.ALWAYS }), containers: [writer(), reader()] });
  }, err('workload-restart-policy', 'spec.template.spec.restartPolicy', 'test/web')),
  c('a Job with a long-running regular helper (it declares a port)', chart => {
    new LocalhostSidecars(chart, 'proxy', { workload: new kplus.Job(chart, 'web'), main: { name: 'app', image: 'app:1', portNumber: 8080 }, sidecars: [{ name: 'client', image: 'c:1' }] });
  }, err('job-long-running-helper', 'spec.template.spec.containers[0]', 'test/web')),
  c('a CronJob with a helper declared longRunning: true', chart => {
    new SharedVolumes(chart, 'files', {
      workload: new kplus.CronJob(chart, 'web', { schedule: Cron.daily() }), containers: [writer(), reader({ name: 'shipper', command: ['tail', '-F', '/data/now'], longRunning: true })],
    });
  }, err('job-long-running-helper', 'spec.jobTemplate.spec.template.spec.containers[1]', 'test/web')),
  c('a Job with a server that exits on its own (longRunning: false)', chart => {
    new LocalhostSidecars(chart, 'proxy', {
      workload: new kplus.Job(chart, 'web'), main: { name: 'app', image: 'app:1', portNumber: 8080, longRunning: false }, sidecars: [{ name: 'client', image: 'c:1', command: ['curl', '$(MAIN_URL)'] }],
    });
  }, valid()),
  c('a StatefulSet whose ports were added after cdk8s-plus built its Service', chart => {
    const db = new kplus.StatefulSet(chart, 'web', { containers: [{ name: 'db', image: 'db:1', portNumber: 5432 }] });
    new LocalhostSidecars(chart, 'metrics', { workload: db, main: { name: 'exporter', image: 'exporter:1', portNumber: 9187 }, sidecars: [] });
  }, err('statefulset-service-ports', 'spec.template.spec.containers[1].ports[0]', 'test/web')),
  c('a Deployment whose only container is a native sidecar', chart => {
    new LocalhostSidecars(chart, 'proxy', { workload: deployment(chart), main: { name: 'envoy', image: 'envoy:1', portNumber: 9901, nativeSidecar: true }, sidecars: [] });
  }, err('container-count', 'spec.template.spec.containers', 'test/web')),
  c('a Deployment given shared volumes and no container', chart => {
    new SharedVolumes(chart, 'files', { workload: deployment(chart), containers: [] });
  }, err('container-count', 'spec.template.spec.containers', 'test/web')),
  c('an IPC pair on a Job, the consumer waiting', chart => {
    new IpcProducerConsumer(chart, 'ipc', {
      workload: new kplus.Job(chart, 'web'),
      readiness: IpcReadiness.posixMessageQueue('/q'),
      producer: { name: 'producer', image: 'p:1', command: ['./p'] },
      consumer: { name: 'consumer', image: 'c:1', command: ['./c'] },
    });
  }, valid()),
];

const JS_CALLERS: Case[] = [
  c('SharedVolumePod without containers', chart => new SharedVolumePod(chart, 'pod', {} as Json), err('required-prop', 'containers')),
  c('SharedVolumePod with props undefined', chart => new SharedVolumePod(chart, 'pod', undefined as Json), required(/^(props|containers)$/)),
  c('SharedVolumePod with containers a string', chart => new SharedVolumePod(chart, 'pod', { containers: 'nginx' } as Json), err('required-prop', 'containers')),
  c('SharedVolumePod with an undefined container', chart => new SharedVolumePod(chart, 'pod', { containers: [writer(), undefined] } as Json), err('required-prop', /^containers\[1\]/)),
  c('SharedVolumePod with a container without an image', chart => sharedVolumePod(chart, { containers: [writer({ image: undefined }), reader()] }), err(/^(required-prop|image-set)$/, /^(spec\.)?containers\[0\]\.image$/)),
  c('SharedVolumePod with an image that is a number', chart => sharedVolumePod(chart, { containers: [writer({ image: 42 }), reader()] }), err(/^(required-prop|image-valid)$/, /^(spec\.)?containers\[0\]\.image$/)),
  c('SharedVolumePod with sharedMounts a string', chart => sharedVolumePod(chart, { containers: [writer({ sharedMounts: '/data' }), reader()] }), err('required-prop', /^containers\[0\]\.sharedMounts/)),
  c('SharedVolumePod with volumes a string', chart => sharedVolumePod(chart, { volumes: 'html' as Json }), err('required-prop', /^volumes/)),
  c('SharedVolumePod with a volume without a name', chart => sharedVolumePod(chart, { volumes: [{} as Json] }), err('volume-name-dns-label', 'volumes[0].name')),
  c('SharedVolumePod with a sizeLimit string', chart => sharedVolumePod(chart, { volumes: [{ name: 'data', sizeLimit: '64Mi' as Json }] }), err('size-limit-valid', /^volumes\[0\]\.sizeLimit/)),
  c('SharedVolumePod with a container name that is a number', chart => sharedVolumePod(chart, { containers: [writer({ name: 42 }), reader()] }), err('required-prop', 'containers[0].name')),
  c('SharedVolumePod with a command string', chart => sharedVolumePod(chart, { containers: [writer({ command: 'date > /data/now' }), reader()] }), err('required-prop', /command/)),
  c('SharedVolumePod with args a string', chart => sharedVolumePod(chart, { containers: [writer({ args: 'x' }), reader()] }), err('required-prop', /args/)),
  c('SharedVolumePod with envVariables a string', chart => sharedVolumePod(chart, { containers: [writer({ envVariables: 'X=1' }), reader()] }), err('required-prop', /env/)),
  c('SharedVolumePod with a terminationGracePeriod number', chart => sharedVolumePod(chart, { terminationGracePeriod: 30 as Json }), err('duration-valid', /terminationGracePeriod/)),
  c('SharedVolumes without workload', chart => new SharedVolumes(chart, 'files', { containers: [writer(), reader()] } as Json), required('workload', 'test/files')),
  c('SharedVolumes with workload a string', chart => new SharedVolumes(chart, 'files', { workload: 'web', containers: [writer(), reader()] } as Json), required('workload', 'test/files')),
  c('IpcProducerConsumerPod without readiness', chart => ipcPod(chart, { readiness: undefined }), required('readiness')),
  c('IpcProducerConsumerPod without producer', chart => ipcPod(chart, { producer: undefined }), required('producer')),
  c('IpcProducerConsumerPod without consumer', chart => ipcPod(chart, { consumer: undefined }), required('consumer')),
  c('IpcProducerConsumerPod with props undefined', chart => new IpcProducerConsumerPod(chart, 'pod', undefined as Json), required(/^(props|producer|consumer|readiness)$/)),
  c('IpcProducerConsumerPod with readiness a string', chart => ipcPod(chart, { readiness: 'posix' as Json }), required('readiness')),
  c('IpcProducerConsumerPod with an unknown startupGate', chart => ipcPod(chart, { startupGate: 'SOMETIMES' as Json }), err('required-prop', 'startupGate')),
  c('IpcProducerConsumerPod with shmSize a number', chart => ipcPod(chart, { shmSize: 64 as Json }), err('size-limit-valid', 'shmSize')),
  c('IpcReadiness with a timeout that is a number', chart => ipcPod(chart, { readiness: IpcReadiness.posixMessageQueue('/q', { timeout: 60 as Json }) }), err('ipc-readiness-valid', 'readiness')),
  c('IpcProducerConsumer without workload', chart => new IpcProducerConsumer(chart, 'ipc', {
    readiness: IpcReadiness.none(), producer: { image: 'p:1' }, consumer: { image: 'c:1' },
  } as Json), required('workload', 'test/ipc')),
  c('LocalhostSidecarPod without main', chart => sidecarPod(chart, { main: undefined }), required('main')),
  c('LocalhostSidecarPod without sidecars', chart => sidecarPod(chart, { sidecars: undefined }), err('required-prop', 'sidecars')),
  c('LocalhostSidecarPod with sidecars an object', chart => sidecarPod(chart, { sidecars: { name: 'x', image: 'x:1' } as Json }), err('required-prop', 'sidecars')),
  c('LocalhostSidecarPod with main a string', chart => sidecarPod(chart, { main: 'nginx' as Json }), required(/^main/)),
  c('LocalhostSidecarPod with props undefined', chart => new LocalhostSidecarPod(chart, 'pod', undefined as Json), required(/^(props|main|sidecars)$/)),
  c('LocalhostSidecarPod with ports an object', withMain({ portNumber: undefined, ports: { number: 8080 } }), err('required-prop', /ports/)),
  c('LocalhostSidecarPod with portNumber a string', withMain({ portNumber: '8080' }), err('required-prop', 'main.portNumber')),
  c('IpcReadiness.posixMessageQueue with no name', chart => ipcPod(chart, { readiness: IpcReadiness.posixMessageQueue(undefined as Json) }), err(/^(ipc-readiness-valid|required-prop)$/, 'readiness')),
  c('IpcReadiness.file with a path that is a number', chart => ipcPod(chart, { readiness: IpcReadiness.file(42 as Json) }), err(/^(ipc-readiness-valid|required-prop)$/, 'readiness')),
  c('IpcReadiness.command with no condition', chart => ipcPod(chart, { readiness: IpcReadiness.command(undefined as Json) }), err(/^(ipc-readiness-valid|required-prop)$/, 'readiness')),
  c('IpcReadiness.sysvMessageQueue with a key that is a string', chart => ipcPod(chart, { readiness: IpcReadiness.sysvMessageQueue('123' as Json) }), err(/^(ipc-readiness-valid|required-prop)$/, 'readiness')),
  c('LocalhostSidecars without workload', chart => new LocalhostSidecars(chart, 'proxy', { main: { image: 'web:1', portNumber: 80 }, sidecars: [] } as Json), required('workload', 'test/proxy')),
];

const VALID_BASELINES: Case[] = [
  c('SharedVolumePod', chart => sharedVolumePod(chart), valid()),
  c('IpcProducerConsumerPod with BOTH gates and /dev/shm', chart => ipcPod(chart, { startupGate: StartupGate.BOTH, shmSize: Size.mebibytes(64) }), valid()),
  c('LocalhostSidecarPod', chart => sidecarPod(chart), valid()),
  ...(['Deployment', 'DaemonSet', 'Job', 'CronJob'] as const).map(kind => c(`every pattern on a ${kind}`, chart => {
    const w = kind === 'Deployment' ? deployment(chart) : kind === 'DaemonSet' ? new kplus.DaemonSet(chart, 'web')
      : kind === 'Job' ? new kplus.Job(chart, 'web') : new kplus.CronJob(chart, 'web', { schedule: Cron.daily() });
    const completes = kind === 'Job' || kind === 'CronJob';
    new SharedVolumes(chart, 'files', { workload: w, containers: [writer(), reader()] });
    new LocalhostSidecars(chart, 'proxy', { workload: w, main: { name: 'app', image: 'app:1', portNumber: 8080, longRunning: completes ? false : undefined }, sidecars: [{ name: 'envoy', image: 'envoy:1', nativeSidecar: true }] });
    new IpcProducerConsumer(chart, 'ipc', { workload: w, readiness: IpcReadiness.posixMessageQueue('/q'), producer: { name: 'producer', image: 'p:1', command: ['./p'] }, consumer: { name: 'consumer', image: 'c:1', command: ['./c'] } });
  }, valid())),
];

const HELPERS: Case[] = [
  c('HelperContainer without workload', chart => new HelperContainer(chart, 'helper', { image: 'envoy:1' } as Json), required('workload', 'test/helper')),
  c('HelperContainer with props undefined', chart => new HelperContainer(chart, 'helper', undefined as Json), required(/^(props|workload)$/, 'test/helper')),
  c('HelperContainer with an uppercase name', chart => {
    new HelperContainer(chart, 'helper', { workload: deployment(chart), name: 'Envoy', image: 'envoy:1' });
  }, err('container-name-dns-label', 'spec.template.spec.containers[0].name', 'test/web')),
  c('HelperContainer with an image with a trailing space', chart => {
    new HelperContainer(chart, 'helper', { workload: deployment(chart), image: 'envoy:1 ' });
  }, err('image-valid', 'spec.template.spec.containers[0].image', 'test/web')),
  c('HelperContainer with restartPolicy through a cast', chart => {
    new HelperContainer(chart, 'helper', { workload: deployment(chart), image: 'envoy:1', restartPolicy: 'Always' } as Json);
  }, err('native-sidecar-restart-policy', /restartPolicy$/, 'test/helper')),
  c('HelperContainer as a native sidecar declared longRunning: false', chart => {
    new HelperContainer(chart, 'helper', { workload: deployment(chart), image: 'envoy:1', nativeSidecar: true, longRunning: false });
  }, err('native-sidecar-exits', /longRunning$/, 'test/helper')),
  c('HelperContainer with a port on a Job, as a regular container', chart => {
    const job = new kplus.Job(chart, 'web', { containers: [{ name: 'app', image: 'app:1' }] });
    new HelperContainer(chart, 'helper', { workload: job, image: 'envoy:1', portNumber: 9901 });
  }, err('job-long-running-helper', 'spec.template.spec.containers[1]', 'test/web')),
  c('HelperContainer with a memory limit of 1e21 MiB', chart => {
    new HelperContainer(chart, 'helper', { workload: deployment(chart, { containers: [{ name: 'app', image: 'app:1' }] }), image: 'envoy:1', resources: { memory: { limit: Size.mebibytes(1e21) } } });
  }, err('quantity-valid', /resources/, 'test/web')),
  c('HelperContainer as a native sidecar beside an app container on a Job', chart => {
    const job = new kplus.Job(chart, 'web', { containers: [{ name: 'app', image: 'app:1' }] });
    new HelperContainer(chart, 'helper', { workload: job, name: 'envoy', image: 'envoy:1', portNumber: 9901, nativeSidecar: true });
  }, valid(docs => expect(containerNamed(docs, 'envoy')).toMatchObject({ restartPolicy: 'Always' }))),
];

const GROUPS: Record<string, Case[]> = {
  'names': NAMES,
  'ports': PORTS,
  'sizes and quantities': SIZES,
  'durations': DURATIONS,
  'strings': STRINGS,
  'environment variable names': ENV,
  'metadata.name': METADATA,
  'images': IMAGES,
  'readiness conditions': READINESS,
  'changes after construction and after a first synth': MUTATIONS,
  'init containers': INIT_CONTAINERS,
  'native sidecars': NATIVE_SIDECARS,
  'workload rules': WORKLOADS,
  'JavaScript callers with wrong types': JS_CALLERS,
  'HelperContainer': HELPERS,
  'valid baselines': VALID_BASELINES,
};

/**
 * Cases the library gets wrong today, each asserting the right outcome as `test.failing` until
 * its fix lands (then `test.failing` fails: take the case out of this list). The report that
 * came with this file lists each with a minimal repro.
 */
const KNOWN_BUGS: Record<string, string> = {};

describe.each(Object.entries(GROUPS))('%s', (_group, cases) => {
  for (const x of cases) {
    (KNOWN_BUGS[x.name] === undefined ? test : test.failing)(x.name, () => expectOutcome(x.build, x.expect));
  }
});

test('there are at least 100 hand-written cases, with unique names; every known bug names one', () => {
  const names = Object.values(GROUPS).flat().map(x => x.name);
  expect(names.length).toBeGreaterThanOrEqual(100);
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  expect(Object.keys(KNOWN_BUGS).filter(n => !names.includes(n))).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// Nothing half-written: a bad duration or size in the second chart leaves the earlier output as it was.

const HALF_WRITTEN: Record<string, Build> = {
  'terminationGracePeriod of 1.5 s': chart => sharedVolumePod(chart, { terminationGracePeriod: Duration.millis(1500) }),
  'a probe period of 1.5 s': withMain({ readiness: kplus.Probe.fromHttpGet('/', { periodSeconds: Duration.millis(1500) }) }),
  'a memory limit of 1.5 MiB': withWriter({ resources: { memory: { limit: Size.kibibytes(1536) } } }),
  'a memory limit of 1e21 MiB': withWriter({ resources: { memory: { limit: Size.mebibytes(1e21) } } }),
  'a scratch size limit of 1.5 MiB': withWriter({ scratchMounts: [{ path: '/tmp', sizeLimit: Size.kibibytes(1536) }] }),
  'a shared volume size limit of 0': chart => sharedVolumePod(chart, { volumes: [{ name: 'data', sizeLimit: Size.mebibytes(0) }] }),
};

describe('a failed synth writes nothing: the second chart is bad, the first one\'s earlier output stays byte-identical', () => {
  let outdir: string;
  let before: Map<string, Buffer>;
  const snapshot = (dir: string) => new Map(fs.readdirSync(dir).sort().map(name => [name, fs.readFileSync(path.join(dir, name))] as const));
  const good = (app: App, id: string, image: string) => sharedVolumePod(new Chart(app, id), { containers: [writer({ image }), reader()] });

  beforeEach(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'adversarial-half-written-'));
    const app = new App({ outdir });
    good(app, 'a', 'busybox:1.36');
    good(app, 'b', 'busybox:1.36');
    app.synth();
    before = snapshot(outdir);
    expect([...before.keys()]).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
  });
  afterEach(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test.each(Object.entries(HALF_WRITTEN))('%s', (_name, bad) => {
    const app = new App({ outdir });
    good(app, 'a', 'busybox:1.37'); // would change a.k8s.yaml if it were written
    bad(new Chart(app, 'b'));
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    const after = snapshot(outdir);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, bytes] of before) expect({ name, identical: after.get(name)!.equals(bytes) }).toEqual({ name, identical: true });
    expect(String(error)).toMatch(/^Error: Validation failed with the following errors:\n {2}\[b\//);
    expect(parseValidationError(error)?.every(l => l.path.startsWith('b/'))).toBe(true);
  });
});
