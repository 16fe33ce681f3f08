// The property tests are only as good as their oracles: check that each one rejects what it must.
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { schemaErrorsOf, schemaErrorsOfPod, stopSchemaWorker } from './k8s-schema';
import {
  apiInvariantViolations, isBadSubPath, isDnsLabel, isPortName, isYamlUnsafeString, mountPoint, quotedExcerpt, yamlReaderProblems, yamlReadersMisread,
  yamlReadersMisreading,
} from './oracle';

afterAll(stopSchemaWorker);

const pod = (spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });
const web = { name: 'web', image: 'nginx:1.27' };

describe('the Kubernetes OpenAPI schema (kubernetes-models, in a worker thread)', () => {
  test('accepts a valid Pod', () => {
    expect(schemaErrorsOfPod(pod({ containers: [web], volumes: [{ name: 'data', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }] }))).toBeUndefined();
  });
  test.each([
    ['a port given as a string', { containers: [{ ...web, ports: [{ containerPort: '80' }] }] }, /containerPort must be integer/],
    ['an unknown protocol', { containers: [{ ...web, ports: [{ containerPort: 80, protocol: 'HTTP' }] }] }, /protocol must be equal to one of the allowed values/],
    ['a size limit printed with an exponent', { containers: [web], volumes: [{ name: 'd', emptyDir: { sizeLimit: '1e+21Mi' } }] }, /sizeLimit must match format "quantity"/],
    ['a mount without a volume name', { containers: [{ ...web, volumeMounts: [{ mountPath: '/d' }] }] }, /must have required property name/],
  ])('rejects %s', (_what, spec, message) => {
    expect(schemaErrorsOfPod(pod(spec))).toMatch(message);
  });
});

describe('the schema is strict (kubectl\'s strict field validation), for every kind the library writes', () => {
  const sidecar = { name: 'proxy', image: 'envoy:1', restartPolicy: 'Always', startupProbe: { tcpSocket: { port: 9901 } } };
  const template = (spec: object) => ({ metadata: { labels: { app: 'a' } }, spec });
  const selector = { matchLabels: { app: 'a' } };
  const kinds: Array<[string, (spec: object) => object, string]> = [
    ['Pod', spec => pod(spec), 'spec'],
    ['Deployment', spec => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector, template: template(spec) } }), 'spec.template.spec'],
    ['StatefulSet', spec => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 's' }, spec: { serviceName: 's', selector, template: template(spec) } }), 'spec.template.spec'],
    ['DaemonSet', spec => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd' }, spec: { selector, template: template(spec) } }), 'spec.template.spec'],
    ['Job', spec => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: template({ restartPolicy: 'Never', ...spec }) } }), 'spec.template.spec'],
    ['CronJob', spec => ({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { schedule: '0 0 * * *', jobTemplate: { spec: { template: template({ restartPolicy: 'Never', ...spec }) } } } }), 'spec.jobTemplate.spec.template.spec'],
  ];
  describe.each(kinds)('%s', (_kind, make, at) => {
    test('accepts a valid one, with a native sidecar (initContainers[0].restartPolicy: Always, and its probe)', () => {
      expect(schemaErrorsOf(make({ containers: [web], initContainers: [sidecar] }))).toBeUndefined();
    });
    test('refuses a bogus field of a container', () => {
      expect(schemaErrorsOf(make({ containers: [{ ...web, bogus: true }] }))).toBe(`strict decoding error: unknown field "${at}.containers[0].bogus"`);
    });
    test('refuses a misspelled field, deep down and in an init container', () => {
      expect(schemaErrorsOf(make({ containers: [web], initContainers: [{ ...sidecar, restartPolicy: undefined, restartPolcy: 'Always' }] })))
        .toBe(`strict decoding error: unknown field "${at}.initContainers[0].restartPolcy"`);
      expect(schemaErrorsOf(make({ containers: [{ ...web, ports: [{ containerPort: 80, protcol: 'TCP' }], securityContext: { seccompProfile: { typ: 'RuntimeDefault' } } }] })))
        .toMatch(new RegExp(`unknown field "${at.replace(/\./g, '\\.')}\\.containers\\[0\\]\\.ports\\[0\\]\\.protcol".*unknown field "${at.replace(/\./g, '\\.')}\\.containers\\[0\\]\\.securityContext\\.seccompProfile\\.typ"`));
    });
    test('takes any key of a map (labels, resource limits), and reports type errors and unknown fields together', () => {
      expect(schemaErrorsOf(make({ containers: [{ ...web, resources: { limits: { 'example.com/gpu': '1', 'memory': '1Gi' } } }], nodeSelector: { 'any/key': 'x' } }))).toBeUndefined();
      expect(schemaErrorsOf(make({ containers: [{ ...web, ports: [{ containerPort: '80' }], bogus: 1 }] }))).toMatch(/containerPort must be integer.*unknown field/);
    });
  });
  test('refuses an unknown field at the top and in metadata, and a kind it has no schema for', () => {
    expect(schemaErrorsOf({ ...pod({ containers: [web] }), status2: {} })).toBe('strict decoding error: unknown field "status2"');
    expect(schemaErrorsOf({ ...pod({ containers: [web] }), metadata: { name: 'p', lables: { a: 'b' } } })).toBe('strict decoding error: unknown field "metadata.lables"');
    expect(schemaErrorsOf({ apiVersion: 'v1', kind: 'Gadget', metadata: { name: 'g' } })).toMatch(/no schema for apiVersion "v1" kind "Gadget"/);
  });
  test('a Service (cdk8s-plus makes one for a StatefulSet)', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { clusterIP: 'None', ports: [{ port: 80, targetPort: 80 }], selector: { app: 'a' } } };
    expect(schemaErrorsOf(service)).toBeUndefined();
    expect(schemaErrorsOf({ ...service, spec: { ...service.spec, clusterIp: 'None' } })).toBe('strict decoding error: unknown field "spec.clusterIp"');
  });
});

describe('the API server invariants', () => {
  test('hold for a valid Pod', () => {
    expect(apiInvariantViolations(pod({
      containers: [{ ...web, ports: [{ containerPort: 80 }], volumeMounts: [{ name: 'data', mountPath: '/d' }] }, { name: 'b', image: 'b', ports: [{ containerPort: 80, protocol: 'UDP' }] }],
      initContainers: [{ name: 'init', image: 'i', ports: [{ containerPort: 80 }] }],
      volumes: [{ name: 'data', emptyDir: {} }],
    }))).toEqual([]);
  });
  test.each([
    ['a container name used twice', { containers: [web], initContainers: [web] }, /initContainers\[0\]\.name "web" is used by another/],
    ['a container name that is no DNS-1123 label', { containers: [{ ...web, name: 'Web' }] }, /not a DNS-1123 label/],
    ['a volume name used twice', { containers: [web], volumes: [{ name: 'd' }, { name: 'd' }] }, /volumes\[1\]\.name "d" is a duplicate/],
    ['a mount of a missing volume', { containers: [{ ...web, volumeMounts: [{ name: 'x', mountPath: '/x' }] }] }, /mounts "x", which is not a volume/],
    ['a path mounted twice', { containers: [{ ...web, volumeMounts: [{ name: 'd', mountPath: '/x' }, { name: 'd', mountPath: '/x/' }] }], volumes: [{ name: 'd' }] }, /mounted twice/],
    ['one port in two app containers', { containers: [{ ...web, ports: [{ containerPort: 80 }] }, { name: 'b', image: 'b', ports: [{ containerPort: 80, protocol: 'TCP' }] }] }, /80\/TCP is also declared/],
    ['a port out of range', { containers: [{ ...web, ports: [{ containerPort: 65536 }] }] }, /out of range/],
    ['a probe on an init container', { containers: [web], initContainers: [{ name: 'i', image: 'i', startupProbe: { tcpSocket: { port: 80 } } }] }, /startupProbe may not be set/],
    ['a port name that is no IANA service name', { containers: [{ ...web, ports: [{ containerPort: 80, name: 'http_alt' }] }] }, /name "http_alt" is not an IANA service name/],
    ['one port name twice in a container', { containers: [{ ...web, ports: [{ containerPort: 80, name: 'http' }, { containerPort: 81, name: 'http' }] }] }, /ports\[1\]\.name "http" is a duplicate/],
    ['one host port in two app containers', {
      containers: [{ ...web, ports: [{ containerPort: 80, hostPort: 8080 }] }, { name: 'b', image: 'b', ports: [{ containerPort: 81, hostPort: 8080 }] }],
    }, /hostPort TCP\/\/8080 is also asked for/],
    ['a relative mount path', { containers: [{ ...web, volumeMounts: [{ name: 'd', mountPath: 'data' }] }], volumes: [{ name: 'd' }] }, /mountPath "data" is not an absolute path/],
    ['a sub-path with ..', { containers: [{ ...web, volumeMounts: [{ name: 'd', mountPath: '/d', subPath: 'a/../b' }] }], volumes: [{ name: 'd' }] }, /subPath "a\/..\/b" is absolute/],
    ['an empty image', { containers: [{ ...web, image: '' }] }, /image "" is empty/],
    ['an image with trailing whitespace', { containers: [{ ...web, image: 'nginx:1.27 ' }] }, /leading or trailing whitespace/],
  ])('break on %s', (_what, spec, message) => {
    expect(apiInvariantViolations(pod(spec)).join('\n')).toMatch(message);
  });
  test('the same ports in init containers, host port 0 twice, and one host port over two protocols are fine', () => {
    expect(apiInvariantViolations(pod({
      containers: [{ ...web, ports: [{ containerPort: 80, hostPort: 0 }, { containerPort: 81, hostPort: 8080 }] }, { name: 'b', image: 'b', ports: [{ containerPort: 82, hostPort: 8080, protocol: 'UDP' }] }],
      initContainers: [{ name: 'i', image: 'i', ports: [{ containerPort: 80, hostPort: 8080 }] }],
    }))).toEqual([]);
  });
  test('DNS-1123 labels and mount points', () => {
    expect(['a', '1st', 'web-1', 'x'.repeat(63)].every(isDnsLabel)).toBe(true);
    expect(['', 'Web', 'a_b', 'a.b', '-a', 'a-', 'x'.repeat(64), 'wéb'].some(isDnsLabel)).toBe(false);
    expect([mountPoint('/data/'), mountPoint('/data//'), mountPoint('/')]).toEqual(['/data', '/data', '/']);
  });
  test('IANA service names (validation.IsValidPortName)', () => {
    expect(['http', 'h2c', 'http-alt', 'a1', '1a', 'abcdefghijklmno'].every(isPortName)).toBe(true);
    expect(['', 'HTTP', 'web_1', '-http', 'http-', 'http--alt', 'abcdefghijklmnop', '8080', 'a.b'].some(isPortName)).toBe(false);
  });
  test('sub-paths', () => {
    expect([undefined, '', 'pages', 'a..b/c', './x', 'a/.../b'].some(isBadSubPath)).toBe(false);
    expect(['..', '../etc', 'a/../b', 'pages/..', '/abs'].every(isBadSubPath)).toBe(true);
  });
});

describe('what kubectl and podman read back', () => {
  // Recorded by yaml-readers-probe.mjs: [string, kubectl, podman], each "ok", "changed" or "refused".
  const recorded: { readers: object; verdicts: Array<[string, string, string]> } = JSON.parse(fs.readFileSync(path.join(__dirname, 'yaml-readers.json'), 'utf8'));
  const LINE_SEPARATOR = /[\u0085\u2028\u2029]/;
  const shown = (s: string) => JSON.stringify(s).replace(/[^\x20-\x7e]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

  test('the recording covers every string of up to 4 characters from " \\t\\n\\ra\\u2028\\u0085", and more', () => {
    expect(recorded.verdicts.length).toBeGreaterThan(4300);
    expect(recorded.verdicts.filter(([, k, p]) => k !== 'ok' || p !== 'ok').length).toBeGreaterThan(1500);
  });
  test('the model says which strings each reader refuses or changes, exactly but for line separators, where it counts them all', () => {
    const wrong = recorded.verdicts.flatMap(([s, kubectl, podman]) => {
      const said: string[] = yamlReadersMisreading(s);
      return [['kubectl', kubectl], ['podman', podman]].flatMap(([reader, verdict]) => {
        const misread = verdict !== 'ok';
        if (misread === said.includes(reader)) return [];
        // Lines with a raw line separator: the model may say "misread" where the reader got it right.
        if (!misread && LINE_SEPARATOR.test(s)) return [];
        return [`${shown(s)}: ${reader} ${verdict}, the model says ${said.includes(reader) ? 'misread' : 'read as written'}`];
      });
    });
    expect(wrong).toEqual([]);
  });
  test('yaml-safe-strings, as documented, flags every recorded string a reader refuses or changes', () => {
    const missed = recorded.verdicts.filter(([s, k, p]) => (k !== 'ok' || p !== 'ok') && !isYamlUnsafeString(s));
    expect(missed.map(([s]) => shown(s))).toEqual([]);
  });
  test('yaml-safe-strings, as documented, flags every string the model says a reader gets wrong', () => {
    const text = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r', 'a', '-', '#', '|', '\u00a0', '\ufeff', '\u2028', '\u0085', '\x7f', '\ud83d', '\ude00'), maxLength: 8 });
    fc.assert(fc.property(text, s => !yamlReadersMisread(s) || isYamlUnsafeString(s)), { numRuns: 20_000 });
  });
  test('yaml-safe-strings, as documented', () => {
    expect(['\nimport os', '  \r\nx', '\techo a\n\techo b', '\n', ' \n', '\r\nfoo', '\t\n', 'a\u2028b', '\u0085', 'x\u2029', '\x7f', 'a\u009bb', '\uffff', 'cut \ud83d']
      .every(isYamlUnsafeString)).toBe(true);
    expect(['ok\n', ' one line', '\tone line', 'fine\n  indented', 'a\n\tb', '\rfoo', '', ' ', '\r', 'emoji \ud83d\ude00'].some(isYamlUnsafeString)).toBe(false);
    expect([quotedExcerpt('a'.repeat(60)), quotedExcerpt('a'.repeat(61))]).toEqual([`"${'a'.repeat(60)}"`, `"${'a'.repeat(57)}..."`]);
  });
  const cases: Array<[string, string, string[]]> = [
    ['a tab-indented script', '\techo one\n\techo two', ['kubectl', 'podman']],
    ['a script after a blank line', '\necho hello', ['podman']],
    ['a line break alone', '\n', ['podman']],
    ['text indented by one space', ' a\nb', ['podman']],
    ['a DEL', 'a\x7fb', ['kubectl', 'podman']],
    ['an unpaired surrogate', 'cut \ud83d', ['kubectl', 'podman']],
    ['a line separator', 'a\u2028b', ['kubectl', 'podman']],
    ['a script', 'echo one\n\techo two', []],
    ['text indented by spaces, with a space before a line break', '  a \nb', []],
    ['a block scalar header inside a block scalar', '>\n\n\t\'- ', []],
    ['a carriage return', '\r\nfoo', []],
  ];
  test.each(cases.map(([what, text, readers]) => [what, shown(text), text, readers] as const))('%s: %s', (_what, _shown, text, readers) => {
    expect(yamlReadersMisreading(text)).toEqual(readers);
  });
  test('the whole manifest: its text and every string it holds', () => {
    const doc = { spec: { containers: [{ name: 'a', command: ['/bin/sh', '-c', '\necho hello'], env: [{ name: 'X', value: 'a\x7f' }] }] } };
    expect(yamlReaderProblems(Yaml.stringify(doc), [doc])).toEqual([
      'kubectl and podman: a raw control character, U+FFFE or U+FFFF (go-yaml: control characters are not allowed)',
      'docs[0].spec.containers[0].command[2] "\\necho hello": podman: multi-line text starting with a space, tab or line break, which its go-yaml v3 re-encoding makes go-yaml v2 refuse or read changed',
    ]);
  });
});
