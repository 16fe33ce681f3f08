// Determinism: synthesizing the examples app twice, in two fresh apps, gives byte-identical
// manifests, file for file; synthesizing one app twice gives the same YAML too (synth has no
// side effects on the constructs).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildExamples } from '../examples/main';

function filesOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else files.set(path.relative(dir, full), fs.readFileSync(full));
    }
  };
  walk(dir);
  return files;
}

describe('determinism', () => {
  let tmp: string;
  beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-multicontainer-determinism-')); });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('two syntheses of the examples app write byte-identical files', () => {
    const first = path.join(tmp, 'first');
    const second = path.join(tmp, 'second');
    buildExamples(new App({ outdir: first })).synth();
    buildExamples(new App({ outdir: second })).synth();

    const a = filesOf(first);
    const b = filesOf(second);
    expect(a.size).toBeGreaterThan(0);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) {
      expect({ name, same: bytes.equals(b.get(name)!) }).toEqual({ name, same: true });
    }
  });

  test('synthesizing one app twice gives the same YAML', () => {
    const app = buildExamples(new App({ outdir: path.join(tmp, 'unused') }));
    const once = app.synthYaml();
    expect(app.synthYaml()).toBe(once);
    expect(buildExamples(new App({ outdir: path.join(tmp, 'unused') })).synthYaml()).toBe(once);
  });
});
