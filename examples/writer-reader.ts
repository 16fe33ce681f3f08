import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SharedVolumePod } from '../src';
import { AS_USER_1000, SMALL } from './_common';

/**
 * A writer and a reader sharing `message.txt` through /usr/share/data. The reader mounts the
 * volume read-only, and waits for the file: the two containers start at the same time.
 */
export class WriterReaderChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new SharedVolumePod(this, 'writer-reader', {
      metadata: { name: 'writer-reader' },
      // Both containers finish their job and exit: the Pod completes.
      restartPolicy: kplus.RestartPolicy.NEVER,
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
          args: ['i=0; until [ -f /usr/share/data/message.txt ]; do i=$((i+1)); [ $i -gt 60 ] && exit 1; sleep 1; done; cat /usr/share/data/message.txt'],
          sharedMounts: [{ path: '/usr/share/data', readOnly: true }],
        },
      ],
    });
  }
}
