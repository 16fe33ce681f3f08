import { Size } from 'cdk8s';
import { checkPodSpec, dnsLabelProblem, sizeLimitViolation } from '../src/_pod-rules';

// The rules over a raw Pod spec: the same checks apply to manifests the library did not write.
const ok = {
  containers: [
    { name: 'web', ports: [{ containerPort: 80 }], volumeMounts: [{ name: 'html', mountPath: '/usr/share/nginx/html' }] },
    { name: 'writer', volumeMounts: [{ name: 'html', mountPath: '/html' }] },
  ],
  volumes: [{ name: 'html', emptyDir: { sizeLimit: '64Mi' } }],
};

function messages(spec: any, requirement?: any): string[] {
  return checkPodSpec(spec, requirement).map(v => v.message);
}

describe('checkPodSpec', () => {
  test('accepts a valid two-container spec', () => {
    expect(checkPodSpec(ok)).toEqual([]);
  });

  test('fails on a container name used twice across containers and initContainers', () => {
    const spec = { ...ok, initContainers: [{ name: 'web' }] };
    expect(messages(spec)).toEqual([
      'spec.initContainers[0].name: container name "web" is already used by spec.containers[0]; names must be unique across containers and initContainers. '
      + 'fix: give each container its own name (cdk8s-plus names every unnamed container "main") (rule container-name-unique)',
    ]);
  });

  test.each([
    ['Web', 'must consist of lowercase letters'],
    ['-web', 'must consist of lowercase letters'],
    ['a'.repeat(64), 'is 64 characters long, at most 63 are allowed'],
    ['', 'is empty'],
  ])('fails on the container name %j', (name, problem) => {
    const spec = { containers: [{ name }, { name: 'other' }] };
    const [message] = messages(spec);
    expect(message).toContain(`spec.containers[0].name: container name ${JSON.stringify(name)} ${problem}`);
    expect(message).toContain('fix: name the container with a DNS-1123 label');
    expect(message).toContain('(rule container-name-dns-label)');
  });

  test('fails on the same port and protocol in two containers, naming both', () => {
    const spec = { containers: [{ name: 'a', ports: [{ containerPort: 8080 }] }, { name: 'b', ports: [{ containerPort: 8080, protocol: 'TCP' }] }] };
    expect(messages(spec)).toEqual([
      'spec.containers[1].ports[0].containerPort: container "b" declares port 8080/TCP, which container "a" (spec.containers[0].ports[0]) already declares; '
      + 'all containers of a Pod share one network namespace, so only one of them can bind it. '
      + 'fix: give one of the containers another port (a sidecar reaches the main container on localhost:<its port>) (rule port-unique-in-pod)',
    ]);
  });

  test('accepts one port number with two protocols, and init containers reusing an app port', () => {
    const spec = {
      containers: [{ name: 'dns', ports: [{ containerPort: 53 }, { containerPort: 53, protocol: 'UDP' }] }, { name: 'b' }],
      initContainers: [{ name: 'setup', ports: [{ containerPort: 53 }] }],
    };
    expect(checkPodSpec(spec)).toEqual([]);
  });

  test.each([0, 65536, -1, 80.5])('fails on the port %p', (port) => {
    const [message] = messages({ containers: [{ name: 'a', ports: [{ containerPort: port }] }, { name: 'b' }] });
    expect(message).toBe(`spec.containers[0].ports[0].containerPort: container "a" declares port ${port}, ports must be whole numbers from 1 to 65535. `
      + 'fix: use a port number between 1 and 65535 (rule port-range)');
  });

  test('fails on a host port out of range and on a port name used twice in a container', () => {
    const spec = { containers: [{ name: 'a', ports: [{ containerPort: 80, name: 'http', hostPort: 70000 }, { containerPort: 81, name: 'http' }] }] };
    const found = checkPodSpec(spec).map(v => [v.rule, v.field]);
    expect(found).toEqual([
      ['port-range', 'spec.containers[0].ports[0].hostPort'],
      ['port-name-unique', 'spec.containers[0].ports[1].name'],
    ]);
  });

  test('fails on a mount path used twice in one container (trailing slash included)', () => {
    const spec = {
      containers: [{ name: 'a', volumeMounts: [{ name: 'v', mountPath: '/data' }, { name: 'w', mountPath: '/data/' }] }],
      volumes: [{ name: 'v' }, { name: 'w' }],
    };
    expect(messages(spec)).toEqual([
      'spec.containers[0].volumeMounts[1].mountPath: container "a" mounts "/data/" twice (also at spec.containers[0].volumeMounts[0]). '
      + 'fix: mount each path once per container; use subPath or another path to mount a second volume (rule mount-path-unique)',
    ]);
  });

  test('fails on a mount of a volume that is not in the Pod, listing the Pod\'s volumes', () => {
    const spec = { containers: [{ name: 'a', volumeMounts: [{ name: 'htlm', mountPath: '/x' }] }], volumes: [{ name: 'html' }] };
    expect(messages(spec)).toEqual([
      'spec.containers[0].volumeMounts[0].name: container "a" mounts volume "htlm", which is not in the Pod; the Pod\'s volumes are "html". '
      + 'fix: declare the volume on the Pod, or mount one of its volumes (rule mount-volume-exists)',
    ]);
  });

  test('fails on duplicate and invalid volume names', () => {
    const spec = { containers: [{ name: 'a' }], volumes: [{ name: 'data' }, { name: 'data' }, { name: 'My_Data' }] };
    expect(checkPodSpec(spec).map(v => v.rule)).toEqual(['volume-name-unique', 'volume-name-dns-label']);
    expect(messages(spec)[0]).toContain('spec.volumes[1].name: volume name "data" is already used by spec.volumes[0]');
  });

  test.each(['0', '-1Mi', 'lots', '0Mi', '1.5.2Gi'])('fails on the emptyDir sizeLimit %j', (sizeLimit) => {
    const spec = { containers: [{ name: 'a' }], volumes: [{ name: 'v', emptyDir: { sizeLimit } }] };
    expect(messages(spec)).toEqual([
      `spec.volumes[0].emptyDir.sizeLimit: size limit must be a positive Kubernetes quantity, received ${JSON.stringify(sizeLimit)}. `
      + 'fix: use a positive quantity such as "64Mi" or "1Gi" (rule size-limit-valid)',
    ]);
  });

  test.each(['64Mi', '1Gi', '500M', '1e3', '0.5Gi'])('accepts the emptyDir sizeLimit %j', (sizeLimit) => {
    expect(checkPodSpec({ containers: [{ name: 'a' }], volumes: [{ name: 'v', emptyDir: { sizeLimit } }] })).toEqual([]);
  });

  test('fails on fewer containers than the pattern needs', () => {
    expect(messages({ containers: [{ name: 'a' }] }, { min: 2, why: 'a test pattern', fix: 'add one' })).toEqual([
      'spec.containers: a test pattern needs at least 2 containers, received 1. fix: add one (rule container-count)',
    ]);
  });

  test('reports every violation at once, in spec order', () => {
    const spec = { containers: [{ name: 'A', ports: [{ containerPort: 0 }] }, { name: 'A' }] };
    expect(checkPodSpec(spec).map(v => v.field)).toEqual([
      'spec.containers[0].name', 'spec.containers[0].ports[0].containerPort', 'spec.containers[1].name', 'spec.containers[1].name',
    ]);
  });
});

describe('sizeLimitViolation', () => {
  test('accepts whole mebibytes', () => {
    expect(sizeLimitViolation('x', Size.mebibytes(64))).toBeUndefined();
    expect(sizeLimitViolation('x', Size.gibibytes(1))).toBeUndefined();
  });

  test.each([
    [Size.mebibytes(0), '0'],
    [Size.kibibytes(1), '0.0009765625'],
  ])('fails on %p', (size, shown) => {
    expect(sizeLimitViolation('volumes[0].sizeLimit', size)?.message).toBe(
      `volumes[0].sizeLimit: size limit must be a positive whole number of mebibytes, received ${shown} MiB. `
      + 'fix: use a positive size such as Size.mebibytes(64) or Size.gibibytes(1) (rule size-limit-valid)');
  });
});

test('dnsLabelProblem accepts labels starting with a digit, as Kubernetes does', () => {
  expect(dnsLabelProblem('1st')).toBeUndefined();
  expect(dnsLabelProblem('a-b-1')).toBeUndefined();
  expect(dnsLabelProblem('a.b')).toBeDefined();
});

describe('checkPodSpec: what the API server or kubectl rejects in one container', () => {
  const one = (container: any, volumes: any[] = [{ name: 'v' }]) => checkPodSpec({ containers: [{ name: 'a', ...container }], volumes });

  test.each(['http-metrics-long', 'HTTP', '1234', 'a--b', '-a'])('fails on the port name %j', (name) => {
    const [v] = one({ ports: [{ containerPort: 80, name }] });
    expect(v.message).toBe(`spec.containers[0].ports[0].name: container "a" names a port ${JSON.stringify(name)}; `
      + 'a port name has at most 15 lowercase letters, digits and single inner \'-\', with at least one letter. fix: use a name such as "http" or "metrics" (rule port-name-valid)');
  });

  test('fails on one host port asked for by two containers', () => {
    const spec = { containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }] }, { name: 'b', ports: [{ containerPort: 81, hostPort: 8080 }] }] };
    expect(checkPodSpec(spec).map(v => v.message)).toEqual([
      'spec.containers[1].ports[0].hostPort: container "b" asks for host port 8080/TCP, which container "a" (spec.containers[0].ports[0]) already asks for; '
      + 'a node port can be bound once. fix: give one of the containers another hostPort, or none (rule host-port-unique)',
    ]);
  });

  test.each(['data', '', './data'])('fails on the relative mount path %j', (mountPath) => {
    const [v] = one({ volumeMounts: [{ name: 'v', mountPath }] });
    expect(v.message).toBe(`spec.containers[0].volumeMounts[0].mountPath: container "a" mounts volume "v" at ${JSON.stringify(mountPath)}, which is not an absolute path. `
      + 'fix: mount at an absolute path such as "/data" (rule mount-path-valid)');
  });

  test.each(['../etc', 'a/../../b', '/abs'])('fails on the sub-path %j', (subPath) => {
    const [v] = one({ volumeMounts: [{ name: 'v', mountPath: '/data', subPath }] });
    expect(v.message).toBe(`spec.containers[0].volumeMounts[0].subPath: container "a" mounts the sub-path ${JSON.stringify(subPath)} of volume "v"; `
      + 'a sub-path must be relative and must not contain \'..\'. fix: use a relative path inside the volume such as "site/html" (rule mount-sub-path-valid)');
  });

  test('accepts a relative sub-path with dots in names', () => {
    expect(one({ volumeMounts: [{ name: 'v', mountPath: '/data', subPath: 'site/..hidden/a.b' }] })).toEqual([]);
  });

  test('fails on an empty image', () => {
    expect(one({ image: ' ' }).map(v => v.message)).toEqual([
      'spec.containers[0].image: container "a" has an empty image, received " ". fix: set the image to run, e.g. "nginx:1.27" (rule image-set)',
    ]);
  });

  test('fails on a command or args string the YAML would carry in a form podman or kubectl refuse', () => {
    const found = one({ command: ['python3', '-c', '\nimport os'], args: ['  \r\nx', 'ok\n', '\techo a\n\techo b', 'a\u2028b', ' one line', 'fine\n  indented'] });
    expect(found.map(v => v.field)).toEqual([
      'spec.containers[0].command[2]', 'spec.containers[0].args[0]', 'spec.containers[0].args[2]', 'spec.containers[0].args[3]',
    ]);
    expect(found[0].message).toBe('spec.containers[0].command[2]: container "a" has the command string "\\nimport os", which is written to YAML that podman kube play or kubectl refuse or misread: '
      + 'multi-line text must not start with a space, tab or line break, and no text may hold U+007F to U+009F, U+2028, U+2029, U+FFFE, U+FFFF or half a surrogate pair. '
      + 'fix: start multi-line text on its first character, e.g. with .trimStart(), and drop Unicode line separators (rule yaml-safe-strings)');
  });

  test('fails on an environment variable value the YAML would carry in a form podman or kubectl refuse', () => {
    const found = one({ env: [{ name: 'OK', value: 'one\ntwo' }, { name: 'FROM_SECRET' }, { name: 'SCRIPT', value: '\tset -e\n\techo hi' }, { name: 'SEP', value: 'a\u0085b' }] });
    expect(found.map(v => v.field)).toEqual(['spec.containers[0].env[2].value', 'spec.containers[0].env[3].value']);
    expect(found[0].message).toContain('container "a" sets the environment variable "SCRIPT" to "\\tset -e\\n\\techo hi", which is written to YAML');
  });
});

test('sizeLimitViolation fails on a size too large to print without an exponent', () => {
  expect(sizeLimitViolation('x', Size.mebibytes(1e21))?.rule).toBe('size-limit-valid');
});
