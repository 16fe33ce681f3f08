// The property every workload configuration must keep, shared by the per-pattern and the
// composition properties: on each of the six kinds, fails validation exactly as the workload
// oracle predicts (rule, field, construct path), or synthesizes the kind's documents, each valid
// against its kind's strict schema and the API server's invariants, holding what the replay says.
import * as fc from 'fast-check';
import { checkConfiguration, Counters, newCounters, NUM_RUNS, parameters } from './harness';
import { report } from './report';
import { buildWorkload, PatternOp, WORKLOAD_KINDS, WorkloadKind, WorkloadModel } from './workload-model';
import { expectedKinds, expectWorkload, workloadFunctional, WorkloadPrediction } from './workload-oracle';

/** Checks one configuration (throws with the failures, for fast-check to shrink). */
export function checkWorkload(m: WorkloadModel, counters: Counters): void {
  const functional = (_workload: unknown, _m: WorkloadModel, docs: unknown[], prediction: WorkloadPrediction) => workloadFunctional(docs, prediction);
  checkConfiguration(m, expectWorkload, buildWorkload, counters, functional, expectedKinds);
}

/**
 * One property per kind: `models(kind)` generates the configurations; each kind runs NUM_RUNS
 * of them, and must reach both outcomes (valid and invalid) often enough to prove something.
 */
export function describeWorkloadProperty(name: string, models: (kind: WorkloadKind) => fc.Arbitrary<WorkloadModel>, minShare = 0.1): void {
  describe.each(WORKLOAD_KINDS.map(k => [k]))(`${name} on a %s, generated configurations`, kind => {
    const counters: Counters = newCounters();
    afterAll(() => report(`${name} on a ${kind}`, counters));

    test(`each of ${NUM_RUNS} configurations fails validation as predicted, or synthesizes a valid ${kind}`, () => {
      fc.assert(fc.property(models(kind), m => checkWorkload(m, counters)), parameters());
      expect(counters.valid).toBeGreaterThan(NUM_RUNS * minShare);
      expect(counters.invalid).toBeGreaterThan(NUM_RUNS * minShare);
    });
  });
}

export const onePattern = (op: PatternOp): fc.Arbitrary<PatternOp[]> => fc.constant([op]);
