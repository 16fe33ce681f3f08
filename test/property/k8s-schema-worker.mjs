// Validates manifests against the Kubernetes OpenAPI schema with `kubernetes-models`, in a worker
// thread. kubernetes-models is ESM-only (no `require` export), which jest's CommonJS module
// registry (ts-jest, no --experimental-vm-modules) cannot load; a worker thread is a plain Node
// context with Node's own ESM loader, so it imports the package as published.
//
// kubernetes-models 5.x is generated from the OpenAPI spec of Kubernetes v1.36.0 (its changelog:
// "Update to Kubernetes v1.36.0"; the README's 1.27.1 badge is stale), so it knows native
// sidecars (`initContainers[].restartPolicy`, 1.28+) and everything the library writes.
//
// Strict, as `kubectl apply` (strict field validation, the default since 1.27) and the API server
// are: a field the schema does not define is refused (`strict decoding error: unknown field
// "spec.containers[0].bogus"`). The OpenAPI schema does not say `additionalProperties: false`, so
// the validator alone lets unknown fields through. They are found by watching the validator
// read the document: its compiled code reads every property the schema defines (with
// `allErrors`, whether or not earlier ones were valid) and, for a map (labels, resources.limits),
// every key; an own key of an object it never reads is a field the schema does not define.
//
// Protocol (see k8s-schema.ts): each request { id, doc } is answered on `workerData.port` with
// { id, error } (error: null when valid), then the shared flag is set to 1 and notified.
import { parentPort, workerData } from 'node:worker_threads';

const { port, signal } = workerData;
const flag = new Int32Array(signal);

/** The kinds the library writes (and the Service cdk8s-plus makes for a StatefulSet), by `apiVersion/kind`. */
let MODELS = null;
let loadError = null;
try {
  const core = await import('kubernetes-models/v1');
  const apps = await import('kubernetes-models/apps/v1');
  const batch = await import('kubernetes-models/batch/v1');
  MODELS = {
    'v1/Pod': core.Pod,
    'v1/Service': core.Service,
    'apps/v1/Deployment': apps.Deployment,
    'apps/v1/StatefulSet': apps.StatefulSet,
    'apps/v1/DaemonSet': apps.DaemonSet,
    'batch/v1/Job': batch.Job,
    'batch/v1/CronJob': batch.CronJob,
  };
} catch (e) {
  loadError = `cannot load kubernetes-models in a worker thread: ${e && e.stack || e}`;
}

/**
 * A copy of `value` whose objects record the keys read from them; `checks` collects, per object,
 * a function listing its keys nobody read (with their paths, as kubectl writes them).
 */
function watched(value, path, checks) {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v, i) => watched(v, `${path}[${i}]`, checks));
  const read = new Set();
  const copy = {};
  for (const [k, v] of Object.entries(value)) copy[k] = watched(v, path ? `${path}.${k}` : k, checks);
  checks.push(() => Object.keys(copy).filter(k => !read.has(k)).map(k => (path ? `${path}.${k}` : k)));
  return new Proxy(copy, {
    get(target, key, receiver) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(target, key, receiver);
    },
  });
}

/** The schema's verdict on one manifest: undefined when valid, else why not. */
function verdict(doc) {
  const model = MODELS[`${doc && doc.apiVersion}/${doc && doc.kind}`];
  if (!model) return `no schema for apiVersion ${JSON.stringify(doc && doc.apiVersion)} kind ${JSON.stringify(doc && doc.kind)}`;
  const checks = [];
  const data = watched(doc, '', checks);
  const problems = [];
  try {
    // The model's validate() runs the compiled schema on `this` (the watched copy), not on a copy.
    model.prototype.validate.call(data);
  } catch (e) {
    problems.push(String(e && e.message || e));
  }
  // kubectl names the outermost unknown field, not the fields inside it.
  const unknown = checks.flatMap(unread => unread());
  const outermost = unknown.filter(f => !unknown.some(o => f.startsWith(`${o}.`) || f.startsWith(`${o}[`))).sort();
  for (const field of outermost) problems.push(`strict decoding error: unknown field ${JSON.stringify(field)}`);
  return problems.length ? problems.join('; ') : undefined;
}

parentPort.on('message', ({ id, doc }) => {
  let error = loadError;
  if (!error) {
    try {
      error = verdict(doc) ?? null;
    } catch (e) {
      error = `the schema check itself failed: ${e && e.stack || e}`;
    }
  }
  port.postMessage({ id, error, loadFailed: loadError !== null });
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
