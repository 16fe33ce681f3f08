// One helper object per workload, kept on the workload itself (like constructs' Aspects.of):
// no module-level registry to go stale or keep workloads alive.
import { IConstruct } from 'constructs';

/** The object kept on `construct` under `key`, made with `create` on first use. */
export function attached<T>(construct: IConstruct, key: symbol, create: () => T): T {
  const holder = construct as unknown as Record<symbol, T | undefined>;
  let value = holder[key];
  if (value === undefined) {
    value = create();
    Object.defineProperty(construct, key, { value, enumerable: false });
  }
  return value;
}
