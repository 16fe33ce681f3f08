// Library bugs the properties found, with their shrunk counterexamples, kept as regression tests
// now that they are fixed. (A new bug is pinned here with `test.failing` and skipped by the
// properties through `knownBugsOf` in oracle.ts or workload-oracle.ts until it is fixed.)
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { parseValidationError } from './harness';
import { IpcProducerConsumer, IpcReadiness, SharedVolumePod, SharedVolumes } from '../../src';

/** Builds, then synthesizes; returns the validation errors (rule ids, fields, messages), or the YAML. */
function outcome(build: (chart: Chart) => void): { rules?: string[]; fields?: string[]; messages?: string[]; yaml?: string } {
  const app = new App();
  build(new Chart(app, 'test'));
  try {
    return { yaml: app.synthYaml() };
  } catch (e) {
    const lines = parseValidationError(e);
    if (!lines) throw e;
    return { rules: lines.map(l => l.rule), fields: lines.map(l => l.field), messages: lines.map(l => l.message) };
  }
}

const writer = { name: 'writer', image: 'busybox:1.36', sharedMounts: [{ path: '/data' }] };
const reader = { name: 'reader', image: 'busybox:1.36', sharedMounts: [{ path: '/data' }] };

describe('bugs the properties found, fixed (regressions)', () => {
  // K14. yaml-safe-strings misses characters YAML does not allow raw, which the `yaml` package
  // writes raw all the same: U+007F to U+009F (but U+0085, which it reports), U+FFFE, U+FFFF;
  // and an unpaired surrogate (say, an emoji cut in half), which it writes as an escape
  // (`"cut \ud83d"`) go-yaml refuses. The synthesized YAML is then refused by kubectl 1.32
  // (`error converting YAML to JSON: yaml: control characters are not allowed`, or `yaml: line
  // 12: found invalid Unicode character escape code`) and by podman kube play 4.3 alike
  // (yaml-readers.json; oracles.test.ts checks the model says so for these strings). Shrunk
  // counterexample from the properties: a SharedVolumePod of two nginx containers mounting the
  // default volume, the first with `args: ['\u007f']`.
  test.each([
    ['a DEL', 'printf "a\x7fb"'],
    ['a C1 control character', 'echo \u009b'],
    ['U+FFFF', 'echo \uffff'],
    ['an unpaired surrogate', 'echo cut \ud83d'],
  ])('K14: a command string with %s, which kubectl and podman refuse, is a validation error', (_what, text) => {
    const result = outcome(chart => new SharedVolumePod(chart, 'pod', {
      containers: [{ ...writer, command: ['/bin/sh', '-c', text] }, reader],
    }));
    expect(result.rules).toEqual(['yaml-safe-strings']);
  });
});

// Open bugs the workload properties found, each pinned with `test.failing` (it passes once the
// bug is fixed: then turn it into a plain test and drop its entry in knownBugsOf, workload-oracle.ts,
// which keeps the properties from tripping over it meanwhile).
describe('bugs the workload properties found, fixed (regressions)', () => {
  const nginx = { image: 'nginx:1.27' };
  const sharing = (workload: kplus.AbstractPod, chart: Chart, nativeSidecar: boolean) => new SharedVolumes(chart, 'files', {
    workload,
    containers: [
      { name: 'writer', ...nginx, nativeSidecar, sharedMounts: [{ path: '/out' }] },
      { name: 'reader', ...nginx, nativeSidecar, sharedMounts: [{ path: '/in' }] },
    ],
  });

  // K15. An init container other code adds with `portNumber: 0`: cdk8s-plus gives a container a
  // TCP startup probe only for a truthy portNumber (and drops port 0), so the YAML has no probe
  // and no port, yet the library reported init-container-probes, "declares portNumber 0, for
  // which cdk8s-plus adds a TCP startup probe". Shrunk counterexample: a Deployment with such an
  // init container and SharedVolumes of two containers.
  test('K15: an init container with portNumber 0 is not reported as having a startup probe', () => {
    const result = outcome(chart => {
      const web = new kplus.Deployment(chart, 'pod');
      web.addInitContainer({ name: 'setup', ...nginx, portNumber: 0 });
      sharing(web, chart, false);
    });
    expect(result.rules ?? []).not.toContain('init-container-probes');
  });

  // K16. A workload whose pattern containers are all native sidecars (and which has no other
  // container) has no app container: validation passed, then cdk8s-plus threw mid-synth,
  // without a construct path: "Failed serializing construct at path 'test/pod/Resource' ...:
  // Error: PodSpec must have at least 1 container".
  test.each(['Deployment', 'Job'] as const)('K16: a %s with only native sidecars fails validation, with a path', kind => {
    const result = outcome(chart => {
      const workload = kind === 'Job' ? new kplus.Job(chart, 'pod') : new kplus.Deployment(chart, 'pod');
      sharing(workload, chart, true);
    });
    expect(result.fields).toEqual(['spec.template.spec.containers']);
    expect(result.messages).toEqual(['spec.template.spec.containers: a pod spec needs at least 1 app container, received 0 (and 2 native sidecars, which do not count). '
      + 'fix: add an app container to the workload (the one the helpers help) (rule container-count)']);
  });

  // K17. IpcProducerConsumer.addConsumer named the construct of a scratch volume after the
  // consumer's name (`addConsumer("e").scratchMounts[0]`): two consumers of one name with scratch
  // mounts threw while being built, "There is already a Construct with name
  // 'addConsumer("e").scratchMounts[0]' in IpcProducerConsumer [ipc]", instead of synth
  // reporting container-name-unique (and volume-name-unique for the two "e-scratch-0").
  test('K17: two addConsumer calls with one name and scratch mounts are a validation error, not a throw', () => {
    const result = outcome(chart => {
      const workload = new kplus.Deployment(chart, 'pod');
      const ipc = new IpcProducerConsumer(chart, 'ipc', {
        workload, readiness: IpcReadiness.none(), producer: nginx, consumer: { ...nginx, command: ['./ipc', '-consumer'] },
      });
      ipc.addConsumer({ name: 'e', ...nginx, scratchMounts: [{ path: '/tmp' }] });
      ipc.addConsumer({ name: 'e', ...nginx, scratchMounts: [{ path: '/tmp' }] });
    });
    expect(result.rules).toContain('container-name-unique');
    expect(result.rules).toContain('volume-name-unique');
  });
});
