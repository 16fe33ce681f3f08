import { execFileSync } from 'child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as ts from 'typescript';
import * as YAML from 'yaml';
import * as multicontainer from '../src';
import { podSpec } from './_workloads';

// The README's TypeScript snippets, run as a user would paste them: what it says works, works.
const ROOT = join(__dirname, '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
const modules: Record<string, unknown> = {
  'cdk8s': cdk8s,
  'cdk8s-plus-27': kplus,
  'cdk8s-multicontainer': multicontainer,
};
const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

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

test('the README shows one workload example per pattern, one composition, the Pod forms, a native sidecar and a plain helper', () => {
  expect(snippets).toHaveLength(7);
  expect(snippets[0]).toContain('new SharedVolumes(');
  expect(snippets[0]).toContain('new kplus.Deployment(');
  expect(snippets[1]).toContain('new IpcProducerConsumer(');
  expect(snippets[2]).toContain('new LocalhostSidecars(');
  expect(snippets[3]).toMatch(/new LocalhostSidecars\([\s\S]*new SharedVolumes\(/);
  expect(snippets[4]).toContain('new SharedVolumePod(');
  expect(snippets[5]).toContain('nativeSidecar: true');
  expect(snippets[6]).toContain('new HelperContainer(');
});

test.each(snippets.map((s, i) => [i, s]))('README snippet %i synthesizes workloads of two containers or more', (_i, snippet) => {
  const app = cdk8s.Testing.app();
  const chart = new cdk8s.Chart(app, 'readme');
  // The first snippet is a whole program (its own App and app.synth()): give it a temporary outdir.
  const outdir = mkdtempSync(join(tmpdir(), 'readme-'));
  const code = (snippet as string).replace('new App()', `new App({ outdir: ${JSON.stringify(outdir)} })`);
  run(code, chart);
  const objects = app.charts.flatMap(c => cdk8s.Testing.synth(c));
  if (code.includes('app.synth()')) {
    // A whole program: what it wrote is what a user gets.
    expect(readdirSync(outdir)).toEqual(['web.k8s.yaml']);
    objects.push(...YAML.parseAllDocuments(readFileSync(join(outdir, 'web.k8s.yaml'), 'utf8')).map(d => d.toJS()));
  }
  let workloads = 0;
  for (const obj of objects.filter(o => WORKLOAD_KINDS.includes(o.kind))) {
    const spec = podSpec(obj);
    const running = [...spec.containers, ...(spec.initContainers ?? []).filter((i: any) => i.restartPolicy === 'Always')];
    expect(running.length).toBeGreaterThanOrEqual(2);
    workloads++;
  }
  expect(workloads).toBeGreaterThan(0);
});

test('every relative link of the README points to a file in the npm package (npm and Construct Hub show the README from it)', () => {
  const links = [...readme.matchAll(/\]\((\.\/[^)#]+)(#[^)]*)?\)/g)].map(m => m[1].replace(/^\.\//, ''));
  expect(links.length).toBeGreaterThan(0);
  const packed: string[] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' }))[0].files.map((f: any) => f.path);
  for (const link of links) {
    expect(existsSync(join(ROOT, link))).toBe(true);
    expect(packed).toContain(link);
  }
});
