import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SharedVolumes } from '../src';
import { AS_USER_1000, SMALL } from './_common';

/** The Job's work: five log lines, a second apart, to /logs/app.log, then it exits 0. */
const WORK = 'for i in 1 2 3 4 5; do echo "work: step $i of 5" >> /logs/app.log; sleep 1; done; echo "work: done" >> /logs/app.log';

/**
 * The compat shipper cannot be stopped by the kubelet, so it stops itself: it ships every line of
 * the log as it is written (one open file, read on from where it left off every second), and
 * exits 0 once the work's done-marker exists and it has shipped the lines written before it.
 */
const SHIP_UNTIL_DONE = [
  'until [ -e /logs/app.log ]; do sleep 1; done',
  'exec 3< /logs/app.log',
  'while true; do',
  // The marker is written after the last log line: seen before reading, all lines are there.
  '  [ -e /logs/done ] && finished=1',
  '  while IFS= read -r line <&3; do echo "shipped: $line"; done',
  '  [ -n "$finished" ] && { echo "shipper: work is done, exiting"; exit 0; }',
  '  sleep 1',
  'done',
].join('\n');

/**
 * A Job whose `work` container writes a log and finishes, while a log shipper in the same Pod
 * ships the log from the shared emptyDir `logs` (Kubernetes docs' job-sidecar pattern).
 *
 * - `native: true` (`job-log-shipper`, Kubernetes >= 1.29): the shipper is a native sidecar (an
 *   init container with `restartPolicy: Always`) running `tail -F`; it does not keep the Job from
 *   completing: the kubelet stops it once `work` has exited.
 * - `native: false` (`job-log-shipper-compat`, any Kubernetes version): the shipper is a regular
 *   container, so the Pod completes only when it exits too: `work` leaves a done-marker in the
 *   shared volume, and the shipper exits once it has shipped everything written before it
 *   (declared `longRunning: false`; a long-running regular helper in a Job is a synth error).
 */
export class JobLogShipperChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly native: boolean; readonly name: string }) {
    super(scope, id);
    const job = new kplus.Job(this, props.name, {
      metadata: { name: props.name },
      // A Job's Pod runs to completion; a failed container is not restarted in place.
      restartPolicy: kplus.RestartPolicy.NEVER,
      // One failed Pod is enough to see the problem; the default (6) would retry it with back-off.
      backoffLimit: 1,
    });
    new SharedVolumes(this, 'logs', {
      workload: job,
      volumes: [{ name: 'logs' }],
      containers: [
        {
          name: 'work',
          image: 'busybox:1.36',
          securityContext: AS_USER_1000,
          resources: SMALL,
          command: ['/bin/sh', '-c', props.native ? WORK : `${WORK}; touch /logs/done`],
          sharedMounts: [{ path: '/logs' }],
        },
        {
          name: 'shipper',
          image: 'busybox:1.36',
          securityContext: AS_USER_1000,
          resources: SMALL,
          // The shipper only reads the log.
          sharedMounts: [{ path: '/logs', readOnly: true }],
          ...props.native ? {
            // From the first line (-n +1) and across the file appearing later (-F).
            command: ['tail', '-n', '+1', '-F', '/logs/app.log'],
            nativeSidecar: true,
            // It runs until stopped: fine for a native sidecar, which the kubelet stops after `work`.
            longRunning: true,
          } : {
            command: ['/bin/sh', '-c', SHIP_UNTIL_DONE],
            // It exits on its own (on the done-marker), so the Job can complete.
            longRunning: false,
          },
        },
      ],
    });
  }
}
