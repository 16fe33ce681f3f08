import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SharedVolumePod } from '../src';
import { AS_USER_1000, NGINX_RUNS_AS_ROOT, POD_WITH_ROOT_CONTAINER, SMALL } from './_common';

/**
 * The Kubernetes docs' two-container Pod: debian writes a page into the shared volume
 * `shared-data` and exits; nginx serves it.
 */
export class TwoContainersChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new SharedVolumePod(this, 'two-containers', {
      metadata: { name: 'two-containers' },
      securityContext: POD_WITH_ROOT_CONTAINER,
      // The debian container's job is done once it has written the page: do not restart it.
      restartPolicy: kplus.RestartPolicy.NEVER,
      volumes: [{ name: 'shared-data' }],
      containers: [
        {
          name: 'nginx-container',
          image: 'nginx:1.27',
          securityContext: NGINX_RUNS_AS_ROOT,
          resources: SMALL,
          sharedMounts: [{ path: '/usr/share/nginx/html' }],
        },
        {
          name: 'debian-container',
          image: 'debian:bookworm-slim',
          securityContext: AS_USER_1000,
          resources: SMALL,
          command: ['/bin/sh'],
          args: ['-c', 'echo Hello from the debian container > /pod-data/index.html'],
          sharedMounts: [{ path: '/pod-data' }],
        },
      ],
    });
  }
}
