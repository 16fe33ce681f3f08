// A synchronous, strict OpenAPI schema check for the manifests the library writes (Pod,
// Deployment, StatefulSet and its Service, DaemonSet, Job, CronJob), backed by `kubernetes-models` (the
// Kubernetes v1.36.0 schema) running in a worker
// thread (see k8s-schema-worker.mjs for why). The caller blocks on a shared flag with
// Atomics.wait and reads the answer with receiveMessageOnPort, so properties stay synchronous.
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';

const WORKER = path.join(__dirname, 'k8s-schema-worker.mjs');
/** The first call waits for the worker to start and load the schemas (about half a second). */
const TIMEOUT_MS = 60_000;

interface Bridge {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly flag: Int32Array;
  nextId: number;
}

let bridge: Bridge | undefined;

function start(): Bridge {
  const signal = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER, { workerData: { port: port2, signal }, transferList: [port2] });
  // Never keep jest (or node) alive because of the worker.
  worker.unref();
  port1.unref();
  return { worker, port: port1, flag: new Int32Array(signal), nextId: 0 };
}

/**
 * Validates a manifest against the Kubernetes OpenAPI schema of its kind (apiVersion and kind),
 * as shipped by kubernetes-models, strictly: a field the schema does not define is refused, as
 * kubectl's strict field validation does (`strict decoding error: unknown field "spec.bogus"`).
 * @returns undefined when the schema accepts it, else the validator's message
 * @throws when kubernetes-models cannot be loaded or does not answer
 */
export function schemaErrorsOf(doc: unknown): string | undefined {
  bridge ??= start();
  const b = bridge;
  const id = ++b.nextId;
  Atomics.store(b.flag, 0, 0);
  b.worker.postMessage({ id, doc });
  if (Atomics.wait(b.flag, 0, 0, TIMEOUT_MS) === 'timed-out') {
    throw new Error(`the kubernetes-models schema worker did not answer within ${TIMEOUT_MS} ms (${WORKER})`);
  }
  const reply = receiveMessageOnPort(b.port)?.message as { id: number; error: string | null; loadFailed: boolean } | undefined;
  if (!reply || reply.id !== id) throw new Error(`the kubernetes-models schema worker answered out of turn: ${JSON.stringify(reply)}`);
  if (reply.loadFailed) throw new Error(reply.error ?? 'kubernetes-models failed to load');
  return reply.error ?? undefined;
}

/** `schemaErrorsOf` for a Pod (the JSON of `kind: Pod`). */
export const schemaErrorsOfPod = schemaErrorsOf;

/** Stops the worker (call from afterAll). */
export async function stopSchemaWorker(): Promise<void> {
  const b = bridge;
  bridge = undefined;
  if (b) {
    b.port.close();
    await b.worker.terminate();
  }
}
