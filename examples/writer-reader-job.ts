import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SharedVolumes } from '../src';
import { AS_USER_1000, SMALL } from './_common';

/**
 * `writer-reader` as a Job: the writer leaves `message.txt` in the shared emptyDir and exits, the
 * reader waits for it, prints it and exits. The Job completes once both containers have exited 0.
 */
export class WriterReaderJobChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const job = new kplus.Job(this, 'writer-reader-job', {
      metadata: { name: 'writer-reader-job' },
      // A Job's Pod runs to completion: restartPolicy Never (cdk8s-plus's default for Jobs, written
      // out here), so a container that fails is not restarted in place and the Job counts a failure.
      restartPolicy: kplus.RestartPolicy.NEVER,
      // One failed Pod is enough to see the problem; the default (6) would retry it with back-off.
      backoffLimit: 1,
    });
    new SharedVolumes(this, 'message', {
      workload: job,
      volumes: [{ name: 'shared-data' }],
      containers: [
        {
          name: 'writer',
          image: 'busybox:1.36',
          securityContext: AS_USER_1000,
          resources: SMALL,
          command: ['/bin/sh', '-c'],
          // Write to a temporary name and rename, so the reader never sees a half-written file.
          args: ['echo "Hello from the writer container" > /usr/share/data/.message.txt && mv /usr/share/data/.message.txt /usr/share/data/message.txt'],
          sharedMounts: [{ path: '/usr/share/data' }],
        },
        {
          name: 'reader',
          image: 'busybox:1.36',
          securityContext: AS_USER_1000,
          resources: SMALL,
          command: ['/bin/sh', '-c'],
          // The two containers start together: wait (at most 60 s) for the file, then print it.
          args: ['i=0; until [ -f /usr/share/data/message.txt ]; do i=$((i+1)); [ $i -gt 60 ] && exit 1; sleep 1; done; cat /usr/share/data/message.txt'],
          sharedMounts: [{ path: '/usr/share/data', readOnly: true }],
        },
      ],
    });
  }
}
