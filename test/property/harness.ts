// Runs one generated configuration through a construct and checks the property:
// either (a) synth fails with exactly the validation errors the oracle predicts, each naming the
// construct path, its field and rule, or (b) synth succeeds and the YAML holds the documents of
// its kind (a Pod; a Deployment; a StatefulSet and its Service; ...), each accepted by the
// Kubernetes OpenAPI schema of its kind, strictly (no unknown field), keeping the API server's
// and kubelet's invariants, and read back as written by kubectl and podman.
import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { schemaErrorsOf } from './k8s-schema';
import { freshChart, POD_PATH } from './model';
import { apiInvariantViolations, Expectation, KnownBug, yamlReaderProblems } from './oracle';

/** One line of a cdk8s validation error: `[<construct path>] <message>`. */
export interface ValidationLine {
  readonly path: string;
  readonly message: string;
  readonly field: string;
  readonly rule: string;
}

const HEADER = 'Validation failed with the following errors:\n  ';
/** `<field>: <problem>. fix: <fix> (rule <id>)` */
const MESSAGE = /^(?<field>[^\s:][^:]*?): (?<problem>.+)\. fix: (?<fix>.+) \(rule (?<rule>[a-z0-9-]+)\)$/s;

/** Splits a cdk8s validation error into its lines; undefined when the error is something else. */
export function parseValidationError(error: unknown): ValidationLine[] | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (!text.startsWith(HEADER)) return undefined;
  return text.slice(HEADER.length).split(/\n {2}(?=\[)/).map(line => {
    const m = /^\[(?<path>[^\]]*)\] (?<message>.*)$/s.exec(line);
    const message = m?.groups?.message ?? line;
    const shape = MESSAGE.exec(message);
    return { path: m?.groups?.path ?? '', message, field: shape?.groups?.field ?? '', rule: shape?.groups?.rule ?? '' };
  });
}

export type Outcome =
  | { readonly kind: 'construction-threw'; readonly error: unknown }
  | { readonly kind: 'synth-threw'; readonly error: unknown }
  | { readonly kind: 'invalid'; readonly lines: ValidationLine[] }
  | { readonly kind: 'synthesized'; readonly yaml: string; readonly docs: unknown[] };

/** Builds the construct in a fresh App/Chart and synthesizes the app's YAML. */
export function synthesize(build: (chart: Chart) => unknown): Outcome {
  const { app, chart } = freshChart();
  try {
    build(chart);
  } catch (error) {
    return { kind: 'construction-threw', error };
  }
  let yaml: string;
  try {
    yaml = app.synthYaml();
  } catch (error) {
    const lines = parseValidationError(error);
    return lines ? { kind: 'invalid', lines } : { kind: 'synth-threw', error };
  }
  return { kind: 'synthesized', yaml, docs: YAML.parseAllDocuments(yaml).map(d => d.toJS()) };
}

/** An expectation, and the construct path its message is prefixed with (the Pod's, `test/pod`, unless it says). */
export type PathedExpectation = Expectation & { readonly path?: string };

function matches(e: PathedExpectation, line: ValidationLine): boolean {
  if (e.rule !== line.rule || (e.path ?? POD_PATH) !== line.path) return false;
  if (typeof e.field === 'string' ? e.field !== line.field : !e.field.test(line.field)) return false;
  return ([] as string[]).concat(e.mentions ?? []).every(m => line.message.includes(m));
}

function show(e: PathedExpectation): string {
  return `[${e.path ?? POD_PATH}] ${e.rule} at ${String(e.field)}${e.mentions === undefined ? '' : ` mentioning ${([] as string[]).concat(e.mentions).join(' and ')}`}`;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Why the outcome breaks the property (empty: it holds). `kinds`: the documents a synthesized
 * configuration must hold; `functional` checks the one of the last kind (the workload), with all of them.
 */
export function propertyFailures(
  outcome: Outcome,
  expectations: PathedExpectation[],
  functional: (workload: any, docs: any[]) => string[] = () => [],
  kinds: readonly string[] = ['Pod'],
): string[] {
  switch (outcome.kind) {
    case 'construction-threw':
      return [`the construct threw while being built (it must report bad input as a validation error at synth): ${String(outcome.error)}`];
    case 'synth-threw':
      return [`synth threw something other than a validation error: ${String(outcome.error)}`];
    case 'invalid': {
      const failures: string[] = [];
      if (expectations.length === 0) failures.push('synth failed validation, but the configuration is valid');
      const unmatched = [...outcome.lines];
      for (const e of expectations) {
        const i = unmatched.findIndex(line => matches(e, line));
        if (i < 0) failures.push(`missing: ${show(e)}`);
        else unmatched.splice(i, 1);
      }
      for (const line of unmatched) failures.push(`unexpected: ${line.message}`);
      // (A line prefixed with another construct path than predicted is unmatched, so unexpected.)
      for (const line of outcome.lines) {
        if (!MESSAGE.test(line.message)) failures.push(`message not shaped "<field>: <problem>. fix: <fix> (rule <id>)": ${line.message}`);
      }
      return failures.length ? [...failures, 'errors:', ...outcome.lines.map(l => `  [${l.path}] ${l.message}`)] : [];
    }
    case 'synthesized': {
      const failures: string[] = [];
      if (expectations.length) failures.push(...expectations.map(e => `synth succeeded, but expected ${show(e)}`));
      const got = outcome.docs.map((d: any) => String(d?.kind)).sort();
      if (JSON.stringify(got) !== JSON.stringify([...kinds].sort())) failures.push(`expected the documents ${kinds.join(', ')}, got ${got.join(', ')}`);
      failures.push(...yamlReaderProblems(outcome.yaml, outcome.docs).map(p => `kubectl or podman would refuse or misread the manifest: ${p}`));
      let schemaOk = true;
      for (const doc of outcome.docs as any[]) {
        const schema = schemaErrorsOf(doc);
        if (schema) {
          schemaOk = false;
          failures.push(`the Kubernetes OpenAPI schema rejects the ${doc?.kind}: ${schema}`);
        }
        if (doc?.kind !== 'Service') failures.push(...apiInvariantViolations(doc).map(v => `the API server or kubelet would reject the ${doc?.kind}: ${v}`));
      }
      const workload = (outcome.docs as any[]).find(d => d?.kind === kinds[kinds.length - 1]);
      if (schemaOk && workload) failures.push(...functional(workload, outcome.docs));
      return failures.length ? [...failures, 'YAML:', outcome.yaml] : [];
    }
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface Counters {
  valid: number;
  invalid: number;
  skippedKnownBugs: Map<KnownBug, number>;
  rules: Map<string, number>;
}

export function newCounters(): Counters {
  return { valid: 0, invalid: 0, skippedKnownBugs: new Map(), rules: new Map() };
}

/**
 * The property body shared by the three constructs. Inputs that trigger a known library bug are
 * skipped with `fc.pre` (and counted), so the property keeps checking everything else.
 */
export function checkConfiguration<M, P extends { expectations: PathedExpectation[]; knownBugs: KnownBug[] }>(
  model: M,
  predict: (m: M) => P,
  build: (chart: Chart, m: M) => unknown,
  counters: Counters,
  functional?: (workload: any, m: M, docs: any[], prediction: P) => string[], // eslint-disable-line @typescript-eslint/no-explicit-any
  kinds: (m: M) => readonly string[] = () => ['Pod'],
): void {
  const prediction = predict(model);
  const { expectations, knownBugs } = prediction;
  // FC_INCLUDE_KNOWN_BUGS=K1,K3 (or =all) keeps those inputs: to see a bug's shrunk counterexample, or check its fix.
  const included = (process.env.FC_INCLUDE_KNOWN_BUGS ?? '').split(',').filter(Boolean);
  const skipped = knownBugs.filter(bug => !included.includes('all') && !included.includes(bug.split(' ')[0]));
  for (const bug of skipped) counters.skippedKnownBugs.set(bug, (counters.skippedKnownBugs.get(bug) ?? 0) + 1);
  fc.pre(skipped.length === 0);
  const outcome = synthesize(chart => build(chart, model));
  const check = functional && ((workload: unknown, docs: unknown[]) => functional(workload, model, docs, prediction));
  const failures = propertyFailures(outcome, expectations, check, kinds(model));
  if (failures.length) {
    throw new Error(`${failures.join('\n')}\nexpected rules: ${expectations.length ? expectations.map(show).join('; ') : 'none'}`);
  }
  if (outcome.kind === 'invalid') {
    counters.invalid++;
    for (const line of outcome.lines) counters.rules.set(line.rule, (counters.rules.get(line.rule) ?? 0) + 1);
  } else {
    counters.valid++;
  }
}

/** numRuns per construct and test run; override with FC_NUM_RUNS for a longer hunt. */
export const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 1000);

/** fast-check parameters shared by the properties: a seed from FC_SEED replays a reported failure. */
export function parameters<T>(): fc.Parameters<T> {
  return {
    numRuns: NUM_RUNS,
    seed: process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED),
    maxSkipsPerRun: 100,
  };
}
