// Validates Pod JSON against the Kubernetes OpenAPI schema with `kubernetes-models`, in a worker
// thread. kubernetes-models is ESM-only (no `require` export), which jest's CommonJS module
// registry (ts-jest, no --experimental-vm-modules) cannot load; a worker thread is a plain Node
// context with Node's own ESM loader, so it imports the package as published.
// Protocol (see k8s-schema.ts): each request { id, pod } is answered on `workerData.port` with
// { id, error } (error: null when valid), then the shared flag is set to 1 and notified.
import { parentPort, workerData } from 'node:worker_threads';

const { port, signal } = workerData;
const flag = new Int32Array(signal);

let Pod;
let loadError = null;
try {
  ({ Pod } = await import('kubernetes-models/v1'));
} catch (e) {
  loadError = `cannot load kubernetes-models/v1 in a worker thread: ${e && e.stack || e}`;
}

parentPort.on('message', ({ id, pod }) => {
  let error = loadError;
  if (!error) {
    try {
      new Pod(pod).validate();
    } catch (e) {
      error = String(e && e.message || e);
    }
  }
  port.postMessage({ id, error, loadFailed: loadError !== null });
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
