// Runs one generated configuration through a construct and checks the property:
// either (a) synth fails with exactly the validation errors the oracle predicts, each naming the
// construct path, its field and rule, or (b) synth succeeds and the YAML is a Pod that the
// Kubernetes OpenAPI schema accepts, that keeps the API server's and kubelet's invariants, and
// that kubectl and podman read back as written.
import { Chart } from 'cdk8s';
import * as fc from 'fast-check';
import * as YAML from 'yaml';
import { schemaErrorsOfPod } from './k8s-schema';
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

function matches(e: Expectation, line: ValidationLine): boolean {
  if (e.rule !== line.rule) return false;
  if (typeof e.field === 'string' ? e.field !== line.field : !e.field.test(line.field)) return false;
  return ([] as string[]).concat(e.mentions ?? []).every(m => line.message.includes(m));
}

function show(e: Expectation): string {
  return `${e.rule} at ${String(e.field)}${e.mentions === undefined ? '' : ` mentioning ${([] as string[]).concat(e.mentions).join(' and ')}`}`;
}

/** Why the outcome breaks the property (empty: it holds). */
export function propertyFailures(
  outcome: Outcome,
  expectations: Expectation[],
  functional: (pod: any) => string[] = () => [], // eslint-disable-line @typescript-eslint/no-explicit-any
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
      for (const line of outcome.lines) {
        if (line.path !== POD_PATH) failures.push(`error not prefixed with the construct path [${POD_PATH}]: [${line.path}] ${line.message}`);
        if (!MESSAGE.test(line.message)) failures.push(`message not shaped "<field>: <problem>. fix: <fix> (rule <id>)": ${line.message}`);
      }
      return failures.length ? [...failures, 'errors:', ...outcome.lines.map(l => `  [${l.path}] ${l.message}`)] : [];
    }
    case 'synthesized': {
      const failures: string[] = [];
      if (expectations.length) failures.push(...expectations.map(e => `synth succeeded, but expected ${show(e)}`));
      const pods = outcome.docs.filter((d: any) => d?.kind === 'Pod'); // eslint-disable-line @typescript-eslint/no-explicit-any
      if (pods.length !== 1 || outcome.docs.length !== 1) failures.push(`expected exactly one Pod, got ${outcome.docs.length} documents`);
      failures.push(...yamlReaderProblems(outcome.yaml, outcome.docs).map(p => `kubectl or podman would refuse or misread the manifest: ${p}`));
      for (const pod of pods) {
        const schema = schemaErrorsOfPod(pod);
        if (schema) failures.push(`the Kubernetes OpenAPI schema rejects the Pod: ${schema}`);
        failures.push(...apiInvariantViolations(pod).map(v => `the API server or kubelet would reject: ${v}`));
        if (!schema) failures.push(...functional(pod));
      }
      return failures.length ? [...failures, 'YAML:', outcome.yaml] : [];
    }
  }
}

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
export function checkConfiguration<M>(
  model: M,
  predict: (m: M) => { expectations: Expectation[]; knownBugs: KnownBug[] },
  build: (chart: Chart, m: M) => unknown,
  counters: Counters,
  functional?: (pod: any, m: M) => string[], // eslint-disable-line @typescript-eslint/no-explicit-any
): void {
  const { expectations, knownBugs } = predict(model);
  // FC_INCLUDE_KNOWN_BUGS=K1,K3 (or =all) keeps those inputs: to see a bug's shrunk counterexample, or check its fix.
  const included = (process.env.FC_INCLUDE_KNOWN_BUGS ?? '').split(',').filter(Boolean);
  const skipped = knownBugs.filter(bug => !included.includes('all') && !included.includes(bug.split(' ')[0]));
  for (const bug of skipped) counters.skippedKnownBugs.set(bug, (counters.skippedKnownBugs.get(bug) ?? 0) + 1);
  fc.pre(skipped.length === 0);
  const outcome = synthesize(chart => build(chart, model));
  const failures = propertyFailures(outcome, expectations, functional && (pod => functional(pod, model)));
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
