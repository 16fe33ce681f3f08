// Two oracles, written from Kubernetes' rules and the constructs' documented behaviour, without
// calling the library's own rules (src/_pod-rules.ts, src/_containers.ts):
//
// 1. `expect*` predicts, from a generated props model alone, which validation rules must fire
//    (rule id, the field the message must start with, and a value it must mention).
// 2. `apiInvariantViolations` checks a synthesized Pod (or a workload's pod template) the way the API server and kubelet would,
//    for the invariants an OpenAPI schema cannot express, and `yamlReaderProblems` checks that
//    kubectl and podman read the synthesized YAML back as written.
import { Yaml } from 'cdk8s';
import {
  CommonModel, ContainerModel, IpcProducerConsumerPodModel, LocalhostSidecarPodModel, PortModel, ProbeKind, ReadinessModel, SharedVolumePodModel,
  SizeModel,
} from './model';

/** A rule the library must report: its id, the field its message starts with, values it mentions. */
export interface Expectation {
  readonly rule: string;
  readonly field: string | RegExp;
  readonly mentions?: string | readonly string[];
}

/**
 * How messages quote a value, written independently of the library: JSON, with the characters
 * JSON leaves raw but no reader shows as themselves escaped, and NaN/Infinity as themselves.
 */
export const q = (value: unknown): string => {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const json = JSON.stringify(value) ?? String(value);
  let out = '';
  for (const ch of json) {
    const code = ch.codePointAt(0)!;
    const invisible = (code >= 0x7f && code <= 0x9f) || code === 0xad || (code >= 0x200b && code <= 0x200f) || code === 0x2028 || code === 0x2029
      || (code >= 0x202a && code <= 0x202e) || (code >= 0x2060 && code <= 0x2064) || code === 0xfeff || code === 0xfffe || code === 0xffff;
    out += invisible ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
  }
  return out;
};

// ---------------------------------------------------------------------------------------------
// Kubernetes' own definitions

/** DNS-1123 label: container and volume names (k8s.io/apimachinery validation.IsDNS1123Label). */
export function isDnsLabel(name: string | undefined): boolean {
  return name !== undefined && name.length >= 1 && name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

export function isPort(n: unknown): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;
}

/**
 * IANA_SVC_NAME, the port name syntax (validation.IsValidPortName): 1 to 15 characters of
 * [-a-z0-9], at least one letter, no '-' at either end, no '--'.
 */
export function isPortName(name: string): boolean {
  return name.length >= 1 && name.length <= 15 && /^[-a-z0-9]+$/.test(name) && /[a-z]/.test(name)
    && !name.startsWith('-') && !name.endsWith('-') && !name.includes('--');
}

/** A mount point is an absolute path in the container. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/');
}

/** A sub-path (when not empty) must stay inside the volume: relative, no `..` element (validateLocalDescendingPath). */
export function isBadSubPath(subPath: string | undefined): boolean {
  return subPath !== undefined && subPath !== '' && (subPath.startsWith('/') || subPath.split('/').includes('..'));
}

/** One mount point, however many trailing slashes it is written with. */
export function mountPoint(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

// ---------------------------------------------------------------------------------------------
// What kubectl and podman read back
//
// cdk8s writes manifests with the `yaml` package. kubectl 1.32 reads them with go-yaml v2 (a port
// of libyaml); podman 4.3 (`kube play`) first splits them into documents by decoding each with
// go-yaml v3 and encoding it again, then reads that with go-yaml v2. The model below was checked
// against both on the 4,300 strings of yaml-readers.json (yaml-readers-probe.mjs: every string of
// up to 4 characters from " \t\n\ra\u2028\u0085", 1,500 random ones, and chosen ones), as a
// command string: it says exactly which ones a reader refuses or reads back changed, but for the
// raw U+0085, U+2028 and U+2029 it counts all, where the readers get about 3 in 4 wrong.
//
// Both readers refuse, in the text the `yaml` package writes:
// - a block scalar (`|`, `>`) without an indentation indicator whose first line with content
//   starts with a tab ("found a tab character where an indentation space is expected");
// - characters YAML does not allow raw, which the `yaml` package leaves raw: U+007F to U+009F
//   but U+0085, U+FFFE, U+FFFF ("control characters are not allowed"); and an unpaired
//   surrogate, which it writes as an escape go-yaml refuses ("found invalid Unicode character
//   escape code");
// and read U+0085, U+2028 and U+2029 as line breaks.
// podman also gets wrong every string go-yaml v3 encodes as a literal block scalar (it does when
// the string has a line break, does not end with a space, has no space before a line break and
// only characters it prints) that starts with a space, tab or line break: v2 then reads its
// content two columns deeper than v3 wrote it, so the text is refused ("did not find expected '-'
// indicator") or loses two leading spaces per line, or a line break ("\n" is read as "").

/** A block scalar header at the end of a line: `|`, `>`, with chomping and indentation indicators. */
const BLOCK_HEADER = /(?:^|[\s:])[|>]([+-]?[1-9]?|[1-9][+-]?)$/;
/** Characters YAML does not allow raw (c-printable), among those the `yaml` package leaves raw. */
const FORBIDDEN_RAW = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]/;
const LINE_SEPARATORS = /[\u0085\u2028\u2029]/;
const leadingSpaces = (line: string) => line.length - line.replace(/^ +/, '').length;

/** Where both readers refuse (or misread) the YAML text cdk8s wrote. */
export function yamlTextProblems(text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const header = BLOCK_HEADER.exec(lines[n].trimEnd());
    if (!header) continue;
    // The scalar's content: the lines indented deeper than its header's line, and blank ones.
    const indent = leadingSpaces(lines[n]);
    let first: string | undefined;
    let k = n + 1;
    for (; k < lines.length && (leadingSpaces(lines[k]) > indent || /^ *$/.test(lines[k])); k++) {
      const rest = lines[k].replace(/^ */, '');
      if (first === undefined && rest !== '') first = rest;
    }
    // With an indentation indicator the writer indents every line of content: no problem.
    if (!/[1-9]/.test(header[1]) && first?.startsWith('\t')) {
      out.push(`line ${n + 1}: a block scalar whose first line of content starts with a tab (go-yaml: found a tab character where an indentation space is expected)`);
    }
    n = k - 1;
  }
  if (FORBIDDEN_RAW.test(text)) out.push('a raw control character, U+FFFE or U+FFFF (go-yaml: control characters are not allowed)');
  if (LINE_SEPARATORS.test(text)) out.push('a raw U+0085, U+2028 or U+2029, which go-yaml reads as a line break');
  return out;
}

/** Whether go-yaml v3 encodes the string as a literal block scalar (yaml_emitter_analyze_scalar). */
function goYamlV3Literal(s: string): boolean {
  return s.includes('\n') && !s.endsWith(' ') && !/ [\r\n\u0085\u2028\u2029]/.test(s)
    && !/[^\t\n\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]|\ufeff/.test(s);
}

/**
 * What the readers do wrong with one string of a manifest, beyond its text. (go-yaml v3 encodes
 * a mapping key in double quotes, never as a block scalar.)
 */
export function yamlValueProblems(s: string, isKey = false): string[] {
  const out: string[] = [];
  if (/\p{Cs}/u.test(s)) out.push('kubectl and podman: an unpaired surrogate, written as an escape go-yaml refuses (found invalid Unicode character escape code)');
  if (!isKey && goYamlV3Literal(s) && /^[ \t\n]/.test(s)) {
    out.push('podman: multi-line text starting with a space, tab or line break, which its go-yaml v3 re-encoding makes go-yaml v2 refuse or read changed');
  }
  return out;
}

/** Every string of a parsed manifest, keys too, with where it is. */
function* strings(value: unknown, at: string): Generator<{ at: string; s: string; isKey: boolean }> {
  if (typeof value === 'string') {
    yield { at, s: value, isKey: false };
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* strings(v, `${at}[${i}]`);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      yield { at: `the key of ${at}.${k}`, s: k, isKey: true };
      yield* strings(v, `${at}.${k}`);
    }
  }
}

/** Why kubectl or podman would refuse, or misread, a manifest cdk8s wrote: its text, and the documents it holds. */
export function yamlReaderProblems(text: string, docs: unknown[]): string[] {
  const out = yamlTextProblems(text).map(p => `kubectl and podman: ${p}`);
  for (const { at, s, isKey } of strings(docs, 'docs')) out.push(...yamlValueProblems(s, isKey).map(p => `${at} ${q(s)}: ${p}`));
  return out;
}

const misreading = new Map<string, Array<'kubectl' | 'podman'>>();
/** Which of kubectl and podman refuse, or read back changed, the YAML cdk8s writes for this command string. */
export function yamlReadersMisreading(text: string): Array<'kubectl' | 'podman'> {
  let readers = misreading.get(text);
  if (readers === undefined) {
    const doc = { command: ['/bin/sh', '-c', text] };
    const problems = yamlReaderProblems(Yaml.stringify(doc), [doc]);
    readers = problems.some(p => p.includes('kubectl and podman: ')) ? ['kubectl', 'podman'] : problems.length ? ['podman'] : [];
    misreading.set(text, readers);
  }
  return readers;
}

/** Whether kubectl or podman refuses, or reads back changed, the YAML cdk8s writes for this command string. */
export function yamlReadersMisread(text: string): boolean {
  return yamlReadersMisreading(text).length > 0;
}

/**
 * What yaml-safe-strings is documented to catch in a command or args string: multi-line text
 * (with a '\n') that starts with a space, tab, carriage return or line break, and any text with
 * U+0085, U+2028 or U+2029. Stricter than the readers need: kubectl reads most of these, and
 * podman some (" \na", "\r\nfoo").
 */
export function isYamlUnsafeString(text: string): boolean {
  return (text.includes('\n') && [' ', '\t', '\r', '\n'].includes(text[0])) || LINE_SEPARATORS.test(text) || NOT_ALLOWED_RAW.test(text);
}

/** Characters YAML does not allow raw (C1 controls, DEL, U+FFFE, U+FFFF), and lone surrogates. */
const NOT_ALLOWED_RAW = /[\x7f-\x9f\ufffe\uffff]|\p{Cs}/u;

/** How the yaml-safe-strings message quotes a string: at most 60 characters, the first 57 and "..." when longer. */
export function quotedExcerpt(text: string): string {
  return q(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

// ---------------------------------------------------------------------------------------------
// What the Pod should contain, derived from the props model (the oracle's own view)

interface OVolume { readonly name: string }
interface OMount { readonly volume: OVolume; readonly path: string; readonly subPath?: string }
interface OPort { readonly containerPort: number; readonly protocol: string; readonly name?: string; readonly hostPort?: number }
interface OContainer {
  readonly name: string;
  readonly image: string;
  /** As rendered (an IPC consumer's is wrapped in the wait script). */
  readonly command: readonly string[];
  readonly args: readonly string[];
  /** As rendered: after the library drops repeated ports. */
  readonly ports: readonly OPort[];
  readonly mounts: readonly OMount[];
}
interface OPod {
  readonly containers: OContainer[];
  readonly initContainers: OContainer[];
  /** Volumes the Pod declares without mounting them first (SharedVolumePod's shared volumes). */
  readonly podVolumes: OVolume[];
}

function oport(p: PortModel): OPort {
  return { containerPort: p.number, protocol: p.protocol ?? 'TCP', name: p.name, hostPort: p.hostPort };
}

/** cdk8s-plus ports, for a container added straight to cdk8s-plus: `portNumber` first when set (0 and NaN count as unset), then `ports`. */
export function kplusPorts(c: ContainerModel): OPort[] {
  return [...c.portNumber ? [{ containerPort: c.portNumber, protocol: 'TCP' }] : [], ...(c.ports ?? []).map(oport)];
}

/** cdk8s-plus cuts volume names to 63 characters (`Volume` constructor), silently. */
export function kplusVolumeName(name: string): string {
  return name.slice(0, 63);
}

function ownMounts(c: ContainerModel): OMount[] {
  return (c.volumeMounts ?? []).map(vm => ({ volume: { name: kplusVolumeName(vm.volume) }, path: vm.path, subPath: vm.subPath }));
}

/** Where a container goes: `spec.<kind>[index]`, and the props field messages about it start with. */
interface Slot {
  readonly kind: 'containers' | 'initContainers';
  readonly index: number;
  readonly field: string;
}

/**
 * A container of the library's own (every container of a pattern, every init container), as
 * documented: its ports are `portNumber` (or the deprecated `port`) first, whatever its value,
 * then `ports`; a port whose number and protocol, or whose name, an earlier port of the
 * container already has is left out and reported at its index j in that list; setting both
 * `port` and `portNumber` is reported; probes of an init container are left out and reported.
 */
function libraryContainer(c: ContainerModel, slot: Slot, defaultName: string, out: Expectation[], extraMounts: OMount[] = []): OContainer {
  const name = c.name ?? defaultName;
  // Messages name the container as rendered.
  const label = `container ${q(name)}`;
  const first = c.portNumber ?? c.port;
  const declared = [...first !== undefined ? [{ containerPort: first, protocol: 'TCP' }] : [], ...(c.ports ?? []).map(oport)];
  if (c.port !== undefined && c.portNumber !== undefined) {
    out.push({ rule: 'port-unique-in-pod', field: `${slot.field}.port`, mentions: [label, `(${c.port})`] });
  }
  const keys = new Set<string>();
  const names = new Set<string>();
  const ports: OPort[] = [];
  declared.forEach((p, j) => {
    const at = `spec.${slot.kind}[${slot.index}].ports[${j}]`;
    const key = `${p.containerPort}/${p.protocol}`;
    if (keys.has(key)) {
      out.push({ rule: 'port-unique-in-pod', field: `${at}.containerPort`, mentions: [label, `${key} twice`] });
    } else if (p.name !== undefined && names.has(p.name)) {
      out.push({ rule: 'port-name-unique', field: `${at}.name`, mentions: [label, q(p.name)] });
    } else {
      keys.add(key);
      if (p.name !== undefined) names.add(p.name);
      ports.push(p);
    }
  });
  if (slot.kind === 'initContainers') {
    for (const probe of ['readiness', 'liveness', 'startup'] as ProbeKind[]) {
      if (c.probes?.includes(probe)) out.push({ rule: 'init-container-probes', field: `${slot.field}.${probe}`, mentions: [label, `${probe} probe`] });
    }
  }
  return {
    name,
    image: c.image,
    command: c.command ?? [],
    args: c.args ?? [],
    ports,
    mounts: [...ownMounts(c), ...extraMounts],
  };
}

/** Every distinct volume object, in the order a Pod renders them: app mounts, init mounts, the Pod's own. */
function volumeEncounters(pod: OPod): OVolume[] {
  return [
    ...pod.containers.flatMap(c => c.mounts.map(m => m.volume)),
    ...pod.initContainers.flatMap(c => c.mounts.map(m => m.volume)),
    ...pod.podVolumes,
  ];
}

/** The cross-container rules Kubernetes imposes, predicted on the oracle's view of the rendered Pod. */
function podExpectations(pod: OPod): Expectation[] {
  const out: Expectation[] = [];
  const volumeField = /^spec\.volumes\[\d+\]\.name$/;
  const seenVolumes = new Set<OVolume>();
  const volumeNames = new Set<string>();
  for (const volume of volumeEncounters(pod)) {
    if (seenVolumes.has(volume)) continue;
    seenVolumes.add(volume);
    if (!isDnsLabel(volume.name)) out.push({ rule: 'volume-name-dns-label', field: volumeField, mentions: q(volume.name) });
    if (volumeNames.has(volume.name)) out.push({ rule: 'volume-name-unique', field: volumeField, mentions: q(volume.name) });
    volumeNames.add(volume.name);
  }

  const containerNames = new Set<string>();
  const appPorts = new Set<string>();
  const hostPorts = new Set<string>();
  const walk = (list: OContainer[], key: 'containers' | 'initContainers') => list.forEach((c, i) => {
    const field = `spec.${key}[${i}]`;
    if (!isDnsLabel(c.name)) out.push({ rule: 'container-name-dns-label', field: `${field}.name`, mentions: q(c.name) });
    if (containerNames.has(c.name)) out.push({ rule: 'container-name-unique', field: `${field}.name`, mentions: q(c.name) });
    containerNames.add(c.name);
    if (c.image.trim() === '') out.push({ rule: 'image-set', field: `${field}.image`, mentions: q(c.image) });
    for (const what of ['command', 'args'] as const) {
      c[what].forEach((text, j) => {
        if (isYamlUnsafeString(text)) {
          out.push({ rule: 'yaml-safe-strings', field: `${field}.${what}[${j}]`, mentions: [`container ${q(c.name)}`, `the ${what} string ${quotedExcerpt(text)}`] });
        }
      });
    }
    const portNames = new Set<string>();
    c.ports.forEach((p, j) => {
      const at = `${field}.ports[${j}]`;
      // Only a container added straight to cdk8s-plus can still have two ports of one name: two named "".
      if (p.name !== undefined && portNames.has(p.name)) out.push({ rule: 'port-name-unique', field: `${at}.name`, mentions: q(p.name) });
      if (p.name !== undefined) portNames.add(p.name);
      if (!isPort(p.containerPort)) out.push({ rule: 'port-range', field: `${at}.containerPort`, mentions: q(p.containerPort) });
      if (p.hostPort !== undefined && !isPort(p.hostPort)) out.push({ rule: 'port-range', field: `${at}.hostPort`, mentions: q(p.hostPort) });
      if (p.name !== undefined && !isPortName(p.name)) out.push({ rule: 'port-name-valid', field: `${at}.name`, mentions: q(p.name) });
      // App containers share one network namespace (and their host ports one node); init
      // containers run before them, one at a time.
      if (key === 'containers') {
        const portKey = `${p.containerPort}/${p.protocol}`;
        if (appPorts.has(portKey)) out.push({ rule: 'port-unique-in-pod', field: `${at}.containerPort`, mentions: portKey });
        appPorts.add(portKey);
        if (p.hostPort !== undefined) {
          const hostKey = `${p.hostPort}/${p.protocol}`;
          if (hostPorts.has(hostKey)) out.push({ rule: 'host-port-unique', field: `${at}.hostPort`, mentions: hostKey });
          hostPorts.add(hostKey);
        }
      }
    });
    const points = new Set<string>();
    c.mounts.forEach((m, k) => {
      const at = `${field}.volumeMounts[${k}]`;
      if (!isAbsolutePath(m.path)) out.push({ rule: 'mount-path-valid', field: `${at}.mountPath`, mentions: q(m.path) });
      if (isBadSubPath(m.subPath)) out.push({ rule: 'mount-sub-path-valid', field: `${at}.subPath`, mentions: q(m.subPath) });
      const point = mountPoint(m.path);
      if (points.has(point)) out.push({ rule: 'mount-path-unique', field: `${at}.mountPath`, mentions: q(m.path) });
      points.add(point);
    });
  });
  walk(pod.containers, 'containers');
  walk(pod.initContainers, 'initContainers');
  return out;
}

/** The mebibytes a `Size` stands for, computed the way cdk8s does (amount x unit ratio). */
export function mebibytesOf(m: SizeModel): number {
  const perKiB = { kibibytes: 1, mebibytes: 1024, gibibytes: 1024 * 1024, tebibytes: 1024 * 1024 * 1024 }[m.unit];
  return m.unit === 'mebibytes' ? m.amount : m.amount * (perKiB / 1024);
}

/**
 * cdk8s-plus renders an emptyDir sizeLimit as `<mebibytes>Mi`: usable for a positive whole
 * number of MiB that JavaScript holds exactly (past 2^53 it is no longer the number asked for,
 * and from 1e21 it prints with an exponent, which is no Kubernetes quantity).
 */
export function isUsableSize(m: SizeModel): boolean {
  const mib = mebibytesOf(m);
  return Number.isSafeInteger(mib) && mib > 0;
}

function initContainers(m: CommonModel, out: Expectation[], extraMounts: OMount[] = []): OContainer[] {
  return (m.initContainers ?? []).map((c, i) =>
    libraryContainer(c, { kind: 'initContainers', index: i, field: `initContainers[${i}]` }, `init-${i}`, out, extraMounts));
}

/**
 * A container added later with `pod.addContainer`: the pattern Pod's `addContainer` takes it as the
 * library's own (ports de-duplicated and reported, messages at `addContainer("<name>")`), at the
 * index after the pattern's `index` containers; cdk8s-plus names an unnamed container "main".
 */
function addedLater(m: CommonModel, out: Expectation[], index: number): OContainer[] {
  const c = m.addedLater;
  return c ? [libraryContainer(c, { kind: 'containers', index, field: `addContainer(${q(c.name ?? 'main')})` }, 'main', out)] : [];
}

// ---------------------------------------------------------------------------------------------
// SharedVolumePod

export const DEFAULT_SHARED_VOLUME_NAME = 'shared-data';

export interface SharedVolumePodPrediction {
  readonly expectations: Expectation[];
  readonly knownBugs: KnownBug[];
  /** The mounts each app container should end up with, for the functional checks. */
  readonly mounts: Array<Array<{ volume: string; path: string; readOnly?: boolean; subPath?: string }>>;
}

export function expectSharedVolumePod(m: SharedVolumePodModel): SharedVolumePodPrediction {
  const out: Expectation[] = [];
  const declaredModels = m.volumes ?? [{ name: DEFAULT_SHARED_VOLUME_NAME }];
  // A shared volume whose name is no DNS-1123 label, or repeats a kept one's, is reported and left out.
  const kept: Kept = [];
  const leftOut = new Set<string>();
  declaredModels.forEach((v, i) => {
    if (!isDnsLabel(v.name)) {
      out.push({ rule: 'volume-name-dns-label', field: `volumes[${i}].name`, mentions: q(v.name) });
      leftOut.add(v.name);
    } else if (kept.some(k => k.volume.name === v.name)) {
      out.push({ rule: 'volume-name-unique', field: `volumes[${i}].name`, mentions: q(v.name) });
      leftOut.add(v.name);
    } else {
      kept.push({ index: i, volume: { name: v.name } });
      if (v.sizeLimit && !isUsableSize(v.sizeLimit)) out.push({ rule: 'size-limit-valid', field: `volumes[${i}].sizeLimit (volume ${q(v.name)})` });
    }
  });
  const mounts: SharedVolumePodPrediction['mounts'] = [];

  const containers: OContainer[] = m.containers.map((c, i) => {
    const shared: OMount[] = [];
    const rendered: SharedVolumePodPrediction['mounts'][number] = (c.volumeMounts ?? []).map(vm => ({ volume: kplusVolumeName(vm.volume), path: vm.path, subPath: vm.subPath }));
    (c.sharedMounts ?? []).forEach((s, j) => {
      const field = `containers[${i}].sharedMounts[${j}]`;
      // A mount without `volume` means the only shared volume; with several it is ambiguous.
      const name = s.volume ?? (declaredModels.length === 1 ? declaredModels[0].name : undefined);
      const volume = kept.find(k => k.volume.name === name)?.volume;
      if (!volume) {
        // A mount of a volume already reported (and left out) is not reported again.
        if (name === undefined || !leftOut.has(name)) out.push({ rule: 'mount-volume-exists', field: `${field}.volume`, mentions: name === undefined ? undefined : q(name) });
        return;
      }
      shared.push({ volume, path: s.path, subPath: s.subPath });
      rendered.push({ volume: volume.name, path: s.path, readOnly: s.readOnly, subPath: s.subPath });
    });
    mounts.push(rendered);
    return libraryContainer(c, { kind: 'containers', index: i, field: `containers[${i}]` }, `container-${i}`, out, shared);
  });
  const pod: OPod = {
    containers: [...containers, ...addedLater(m, out, containers.length)],
    initContainers: initContainers(m, out),
    podVolumes: kept.map(k => k.volume),
  };

  if (pod.containers.length < 2) out.push({ rule: 'container-count', field: 'spec.containers', mentions: `received ${pod.containers.length}` });
  // A shared volume is shared when two different containers mount it.
  for (const { index, volume } of kept) {
    const users = [...pod.containers, ...pod.initContainers].filter(c => c.mounts.some(mt => mt.volume === volume));
    if (users.length < 2) {
      out.push({ rule: 'shared-volume-shared', field: `volumes[${index}] (volume ${q(volume.name)})`, mentions: users.length ? `only ${q(users[0].name)} mounts it` : 'none mounts it' });
    }
  }
  const expectations = [...out, ...podExpectations(pod)];
  return { expectations, mounts, knownBugs: knownBugsOf() };
}

// ---------------------------------------------------------------------------------------------
// IpcProducerConsumerPod

export const SHM_VOLUME = 'dshm';
export const SHM_PATH = '/dev/shm';
/** The wait script's place in the consumer's command: `/bin/sh -c <script> wait-for-producer "$@"`. */
const WAIT_SCRIPT = 'until <condition>; do ...';

/** Whether a readiness condition's arguments are unusable (the factories' documented contracts). */
export function readinessProblem(r: ReadinessModel): boolean {
  if (r.kind === 'none') return false;
  const poll = r.pollMs ?? 1000;
  const timeout = r.timeoutMs ?? 60_000;
  if (poll <= 0 || timeout < poll) return true;
  switch (r.kind) {
    case 'posixMessageQueue':
    case 'posixSharedMemory': {
      // "/" followed by 1 to 255 characters without "/" (the leading "/" may be left out).
      const bare = r.arg.startsWith('/') ? r.arg.slice(1) : r.arg;
      return bare.length < 1 || bare.length > 255 || bare.includes('/') || bare === '.' || bare === '..';
    }
    case 'sysvMessageQueue':
    case 'sysvSharedMemory':
      // A 32-bit key, not IPC_PRIVATE (0).
      return !(Number.isInteger(r.key) && r.key >= -(2 ** 31) && r.key <= 2 ** 32 - 1 && r.key !== 0);
    case 'file':
      return !r.arg.startsWith('/');
    case 'command':
      return r.arg.trim() === '';
  }
}

export interface IpcPrediction {
  readonly expectations: Expectation[];
  readonly knownBugs: KnownBug[];
  readonly consumerWaits: boolean;
  readonly producerHook: boolean;
}

export function expectIpcProducerConsumerPod(m: IpcProducerConsumerPodModel): IpcPrediction {
  const out: Expectation[] = [];
  const shm: OVolume | undefined = m.shmSize ? { name: SHM_VOLUME } : undefined;
  const shmMounts: OMount[] = shm ? [{ volume: shm, path: SHM_PATH }] : [];

  const problem = readinessProblem(m.readiness);
  if (problem) out.push({ rule: 'ipc-readiness-valid', field: 'readiness' });
  const gate = m.startupGate ?? 'CONSUMER_WAITS';
  const gated = m.readiness.kind !== 'none' && !problem;
  const consumerWaits = gated && gate !== 'PRODUCER_POST_START';
  const producerHook = gated && gate !== 'CONSUMER_WAITS';
  if (consumerWaits && !m.consumer.command?.length) out.push({ rule: 'ipc-consumer-command', field: 'consumer.command' });
  if (producerHook && m.producer.postStart) out.push({ rule: 'ipc-producer-post-start', field: 'producer.lifecycle.postStart' });
  if (m.shmSize && !isUsableSize(m.shmSize)) out.push({ rule: 'size-limit-valid', field: 'shmSize' });

  const producer = libraryContainer(m.producer, { kind: 'containers', index: 0, field: 'producer' }, 'producer', out, shmMounts);
  let consumer = libraryContainer(m.consumer, { kind: 'containers', index: 1, field: 'consumer' }, 'consumer', out, shmMounts);
  if (consumerWaits && m.consumer.command?.length) {
    // The consumer runs the wait script, given the condition, the timing and the give-up message
    // as data, which then execs its command and args ("$@").
    consumer = { ...consumer, command: ['/bin/sh', '-c', WAIT_SCRIPT, 'wait-for-producer', 'condition', 'tries', 'seconds', 'message', ...consumer.command, ...consumer.args], args: [] };
  }
  const pod: OPod = {
    containers: [producer, consumer, ...addedLater(m, out, 2)],
    initContainers: initContainers(m, out, shmMounts),
    podVolumes: [],
  };
  // Every container must mount the memory-backed /dev/shm; one added later does not get it.
  if (shm && m.addedLater) out.push({ rule: 'shm-mounted-everywhere', field: 'spec.containers[2].volumeMounts', mentions: q(pod.containers[2].name) });
  const expectations = [...out, ...podExpectations(pod)];
  return { expectations, consumerWaits, producerHook, knownBugs: knownBugsOf() };
}

// ---------------------------------------------------------------------------------------------
// LocalhostSidecarPod

export function expectLocalhostSidecarPod(m: LocalhostSidecarPodModel): { expectations: Expectation[]; knownBugs: KnownBug[]; port?: number } {
  const out: Expectation[] = [];
  const main = libraryContainer(m.main, { kind: 'containers', index: 0, field: 'main' }, 'main', out);
  const pod: OPod = {
    containers: [
      main,
      ...m.sidecars.map((s, i) => libraryContainer(s, { kind: 'containers', index: i + 1, field: `sidecars[${i}]` }, `sidecar-${i}`, out)),
      ...addedLater(m, out, m.sidecars.length + 1),
    ],
    initContainers: initContainers(m, out),
    podVolumes: [],
  };
  // The main container's first port, as rendered (a portNumber of 0 is a port, out of range).
  if (main.ports.length === 0) out.push({ rule: 'localhost-main-port', field: 'main.ports' });
  if (pod.containers.length < 2) out.push({ rule: 'container-count', field: 'spec.containers', mentions: `received ${pod.containers.length}` });
  const expectations = [...out, ...podExpectations(pod)];
  return { expectations, port: main.ports[0]?.containerPort, knownBugs: knownBugsOf() };
}

// ---------------------------------------------------------------------------------------------
// Known library bugs: inputs the properties found that the library mishandles. Each is reported
// to the maintainers and pinned by a `test.failing` in known-bugs.test.ts; the properties skip
// exactly these inputs until the bug is fixed. Remove an entry with its fix.

/** None is open: the last one (K14, characters YAML does not allow raw) is fixed. */
export type KnownBug = string;

function knownBugsOf(): KnownBug[] {
  return [];
}

type Kept = Array<{ readonly index: number; readonly volume: OVolume }>;

// ---------------------------------------------------------------------------------------------
// The API server's and kubelet's invariants, checked on a synthesized Pod

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * The API server's invariants on a workload manifest of any kind the library writes (a Pod, or
 * the pod template of a Deployment, StatefulSet, DaemonSet, Job or CronJob, in the kind's field
 * paths): names, ports, mounts across containers; native sidecars (init containers with
 * `restartPolicy: Always`) run beside the app containers, so their ports join the Pod's port
 * space; the kind's restart policy; a controller's selector matches its template's labels.
 */
export function apiInvariantViolations(doc: any): string[] {
  const out: string[] = [];
  const kind: string = doc?.kind ?? 'Pod';
  const base = kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec';
  const spec = (kind === 'Pod' ? doc?.spec : kind === 'CronJob' ? doc?.spec?.jobTemplate?.spec?.template?.spec : doc?.spec?.template?.spec) ?? {};
  const volumes: any[] = spec.volumes ?? [];
  const volumeNames = new Set<string>();
  volumes.forEach((v, i) => {
    if (!isDnsLabel(v.name)) out.push(`${base}.volumes[${i}].name ${q(v.name)} is not a DNS-1123 label`);
    if (volumeNames.has(v.name)) out.push(`${base}.volumes[${i}].name ${q(v.name)} is a duplicate`);
    volumeNames.add(v.name);
  });
  const containerNames = new Set<string>();
  const appPorts = new Map<string, string>();
  const hostPorts = new Map<string, string>();
  for (const key of ['containers', 'initContainers'] as const) {
    (spec[key] as any[] ?? []).forEach((c, i) => {
      const at = `${base}.${key}[${i}]`;
      const native = key === 'initContainers' && c.restartPolicy === 'Always';
      // Init containers run to completion: no probes, no lifecycle hooks (unless restartPolicy Always, a native sidecar).
      // A container's restart policy: only Always, only on an init container (before the ContainerRestartRules gate, 1.34+).
      if (c.restartPolicy !== undefined && !native) out.push(`${at}.restartPolicy ${q(c.restartPolicy)} is only allowed as "Always" on an init container`);
      if (key === 'initContainers' && !native) {
        for (const field of ['livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle']) {
          if (c[field] !== undefined) out.push(`${at}.${field} may not be set for init containers`);
        }
      }
      if (!isDnsLabel(c.name)) out.push(`${at}.name ${q(c.name)} is not a DNS-1123 label`);
      if (containerNames.has(c.name)) out.push(`${at}.name ${q(c.name)} is used by another container or init container`);
      containerNames.add(c.name);
      // Required; and a Pod's image must not have leading or trailing whitespace.
      if (typeof c.image !== 'string' || c.image === '' || c.image !== c.image.trim()) out.push(`${at}.image ${q(c.image)} is empty or has leading or trailing whitespace`);
      const portNames = new Set<string>();
      (c.ports as any[] ?? []).forEach((p, j) => {
        if (!isPort(p.containerPort)) out.push(`${at}.ports[${j}].containerPort ${q(p.containerPort)} is out of range`);
        // hostPort 0 means none.
        if (p.hostPort !== undefined && p.hostPort !== 0 && !isPort(p.hostPort)) out.push(`${at}.ports[${j}].hostPort ${q(p.hostPort)} is out of range`);
        if (p.name !== undefined && p.name !== '') {
          if (!isPortName(p.name)) out.push(`${at}.ports[${j}].name ${q(p.name)} is not an IANA service name`);
          if (portNames.has(p.name)) out.push(`${at}.ports[${j}].name ${q(p.name)} is a duplicate`);
          portNames.add(p.name);
        }
        // App containers and native sidecars share the Pod's network namespace and its node's host ports.
        if (key === 'containers' || native) {
          const portKey = `${p.containerPort}/${p.protocol ?? 'TCP'}`;
          const owner = appPorts.get(portKey);
          if (owner) out.push(`${at}.ports[${j}] ${portKey} is also declared by ${owner}`);
          else appPorts.set(portKey, `${at}.ports[${j}]`);
          if (p.hostPort) {
            const hostKey = `${p.protocol ?? 'TCP'}/${p.hostIP ?? ''}/${p.hostPort}`;
            const hostOwner = hostPorts.get(hostKey);
            if (hostOwner) out.push(`${at}.ports[${j}].hostPort ${hostKey} is also asked for by ${hostOwner}`);
            else hostPorts.set(hostKey, `${at}.ports[${j}]`);
          }
        }
      });
      const points = new Set<string>();
      (c.volumeMounts as any[] ?? []).forEach((mt, k) => {
        if (!volumeNames.has(mt.name)) out.push(`${at}.volumeMounts[${k}] mounts ${q(mt.name)}, which is not a volume of the Pod`);
        const path = String(mt.mountPath ?? '');
        if (!isAbsolutePath(path)) out.push(`${at}.volumeMounts[${k}].mountPath ${q(mt.mountPath)} is not an absolute path`);
        if (isBadSubPath(mt.subPath)) out.push(`${at}.volumeMounts[${k}].subPath ${q(mt.subPath)} is absolute or contains '..'`);
        const point = mountPoint(path);
        if (points.has(point)) out.push(`${at}.volumeMounts[${k}].mountPath ${q(mt.mountPath)} is mounted twice`);
        points.add(point);
      });
    });
  }
  if (!(spec.containers?.length >= 1)) out.push(`${base}.containers is empty`);
  const policy = spec.restartPolicy;
  if (['Deployment', 'StatefulSet', 'DaemonSet'].includes(kind) && policy !== undefined && policy !== 'Always') out.push(`${base}.restartPolicy ${q(policy)}: a ${kind} takes only "Always"`);
  if (['Job', 'CronJob'].includes(kind) && policy !== 'Never' && policy !== 'OnFailure') out.push(`${base}.restartPolicy ${q(policy)}: a ${kind} takes only "Never" or "OnFailure"`);
  if (['Deployment', 'StatefulSet', 'DaemonSet'].includes(kind)) {
    const labels = doc.spec?.template?.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(doc.spec?.selector?.matchLabels ?? {})) {
      if (labels[k] !== v) out.push(`spec.selector.matchLabels ${k}=${String(v)} does not match the template's labels`);
    }
  }
  return out;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
