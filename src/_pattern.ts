// What every pattern does with what it finds wrong: report it at synth, on the construct that
// holds the pattern's props, together with what only synth can tell.
import { Construct, IValidation } from 'constructs';
import { requiredProp, Violation } from './_pod-rules';

/**
 * The synth-time check of a pattern's own rules: what it found while building, then what
 * `late` finds in the workload as it is at synth (containers and mounts added later count).
 */
export class PatternChecks implements IValidation {
  constructor(private readonly found: ReadonlyArray<Violation>, private readonly late: () => ReadonlyArray<Violation>) {}

  public validate(): string[] {
    const messages = this.found.map(v => v.message);
    for (const v of this.late()) messages.push(v.message);
    return messages;
  }
}

/**
 * Checks of the props of a pattern for callers without TypeScript's types (JavaScript, and
 * jsii languages that let a required prop be null): what the pattern cannot be built without
 * throws at once, naming the construct path and the field; a wrong list is reported at synth
 * and taken as empty.
 */
export class PropsCheck {
  public readonly found: Violation[] = [];

  constructor(private readonly scope: Construct) {}

  /** `value`, which the pattern cannot be built without, must be an object (or an instance of `type`). */
  public required<T>(field: string, value: T | undefined, expected: string, type?: Function): T { // eslint-disable-line @typescript-eslint/no-unsafe-function-type
    const ok = value !== null && typeof value === 'object' && (!type || value instanceof type);
    if (!ok) {
      throw new Error(`[${this.scope.node.path}] ${requiredProp(field, value, expected).message}`);
    }
    return value as T;
  }

  /** `value` must be a list (or, when `optional`, absent); anything else is reported and taken as empty. */
  public list<T>(field: string, value: T[] | undefined, expected: string, optional = false): T[] {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (item === null || typeof item !== 'object') this.found.push(requiredProp(`${field}[${i}]`, item, 'an object of container props'));
      });
      return value.filter(item => item !== null && typeof item === 'object');
    }
    if (!(optional && value === undefined)) this.found.push(requiredProp(field, value, expected));
    return [];
  }
}

/** How messages name the `workload` a pattern needs. */
export const WORKLOAD = 'a cdk8s-plus workload (a kplus.Pod, Deployment, StatefulSet, DaemonSet, Job or CronJob)';
