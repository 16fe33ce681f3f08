import { Counters } from './harness';

/**
 * Prints what a property run covered (set FC_REPORT=1): valid and invalid configurations, how
 * often each rule fired, and inputs skipped because they hit a known bug.
 */
export function report(construct: string, counters: Counters): void {
  if (!process.env.FC_REPORT) return;
  const rules = [...counters.rules.entries()].sort().map(([rule, n]) => `  ${rule}: ${n}`).join('\n');
  const bugs = [...counters.skippedKnownBugs.entries()].sort().map(([bug, n]) => `  ${bug}: ${n}`).join('\n');
  // eslint-disable-next-line no-console
  console.log(`${construct}: ${counters.valid} valid, ${counters.invalid} invalid configurations\nrules fired:\n${rules}\nskipped (known bugs):\n${bugs || '  none'}`);
}
