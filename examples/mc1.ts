import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { SharedVolumePod } from '../src';
import { AS_USER_1000, NGINX_RUNS_AS_ROOT, POD_WITH_ROOT_CONTAINER, SMALL } from './_common';

/**
 * `mc1`: nginx serves /usr/share/nginx/html/index.html, to which a debian container appends
 * the date every second, through the shared emptyDir `html`.
 */
export class Mc1Chart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new SharedVolumePod(this, 'mc1', {
      metadata: { name: 'mc1' },
      securityContext: POD_WITH_ROOT_CONTAINER,
      volumes: [{ name: 'html' }],
      containers: [
        {
          name: '1st',
          image: 'nginx:1.27',
          securityContext: NGINX_RUNS_AS_ROOT,
          resources: SMALL,
          sharedMounts: [{ path: '/usr/share/nginx/html' }],
        },
        {
          name: '2nd',
          image: 'debian:bookworm-slim',
          securityContext: AS_USER_1000,
          resources: SMALL,
          command: ['/bin/sh', '-c'],
          args: ['while true; do date >> /html/index.html; sleep 1; done'],
          sharedMounts: [{ path: '/html' }],
        },
      ],
    });
  }
}
