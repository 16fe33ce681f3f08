import { mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as ts from 'typescript';
import * as multicontainer from '../src';

// The README's TypeScript snippets, run as a user would paste them: what it says works, works.
const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
const modules: Record<string, unknown> = {
  'cdk8s': cdk8s,
  'cdk8s-plus-27': kplus,
  'cdk8s-multicontainer': multicontainer,
};

function run(code: string, chart: cdk8s.Chart): cdk8s.App {
  const { outputText, diagnostics } = ts.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  expect(diagnostics).toEqual([]);
  const exports = {};
  const fakeRequire = (name: string) => {
    if (!(name in modules)) throw new Error(`README imports ${name}`);
    return modules[name];
  };
  // Snippets after the first use `chart` and `app` from the first; the first declares its own.
  new Function('require', 'exports', 'chart', 'app', `{\n${outputText}\n}`)(fakeRequire, exports, chart, chart.node.scope);
  return chart.node.scope as cdk8s.App;
}

test('the README has a snippet per construct', () => {
  expect(snippets).toHaveLength(3);
  expect(snippets[0]).toContain('new SharedVolumePod(');
  expect(snippets[1]).toContain('new IpcProducerConsumerPod(');
  expect(snippets[2]).toContain('new LocalhostSidecarPod(');
});

test.each(snippets.map((s, i) => [i, s]))('README snippet %i synthesizes a valid Pod', (_i, snippet) => {
  const app = cdk8s.Testing.app();
  const chart = new cdk8s.Chart(app, 'readme');
  // The first snippet is a whole program (its own App and app.synth()): give it a temporary outdir.
  const outdir = mkdtempSync(join(tmpdir(), 'readme-'));
  const code = (snippet as string).replace('new App()', `new App({ outdir: ${JSON.stringify(outdir)} })`);
  run(code, chart);
  if (code.includes('app.synth()')) expect(readdirSync(outdir)).toEqual(['web.k8s.yaml']);
  for (const c of app.charts) {
    const pods = cdk8s.Testing.synth(c).filter(o => o.kind === 'Pod');
    for (const pod of pods) expect(pod.spec.containers.length).toBeGreaterThanOrEqual(2);
  }
});
