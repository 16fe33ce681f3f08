// Library bugs the properties found, with their shrunk counterexamples, kept as regression tests
// now that they are fixed. (A new bug is pinned here with `test.failing` and skipped by the
// properties through `knownBugsOf` in oracle.ts until it is fixed.)
import { App, Chart } from 'cdk8s';
import { parseValidationError } from './harness';
import { SharedVolumePod } from '../../src';

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
