// What every pattern does with what it finds wrong: report it at synth, on the construct that
// holds the pattern's props, together with what only synth can tell.
import { IValidation } from 'constructs';
import { Violation } from './_pod-rules';

/**
 * The synth-time check of a pattern's own rules: what it found while building, then what
 * `late` finds in the workload as it is at synth (containers and mounts added later count).
 */
export class PatternChecks implements IValidation {
  constructor(private readonly found: ReadonlyArray<Violation>, private readonly late: () => ReadonlyArray<Violation>) {}

  public validate(): string[] {
    return [...this.found, ...this.late()].map(v => v.message);
  }
}
