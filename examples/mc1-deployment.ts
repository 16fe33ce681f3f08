import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { SharedVolumes } from '../src';
import { AS_USER_1000, NGINX_RUNS_AS_ROOT, POD_WITH_ROOT_CONTAINER, SMALL } from './_common';

/**
 * `mc1` as a Deployment of 2 replicas: in every replica's Pod, nginx serves the `html` emptyDir
 * that a debian container appends a line to every second (the date and the Pod's hostname,
 * which Kubernetes sets to the Pod's name). Each Pod gets its own emptyDir, so each replica
 * serves only the lines its own writer wrote.
 */
export class Mc1DeploymentChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const web = new kplus.Deployment(this, 'mc1-deployment', {
      metadata: { name: 'mc1-deployment' },
      // Two Pods from one template: the Deployment's ReplicaSet keeps both running.
      replicas: 2,
      // nginx's master runs as root: the Pod cannot keep runAsNonRoot (see _common.ts).
      securityContext: POD_WITH_ROOT_CONTAINER,
    });
    new SharedVolumes(this, 'content', {
      workload: web,
      volumes: [{ name: 'html' }],
      containers: [
        {
          name: 'nginx',
          image: 'nginx:1.27',
          securityContext: NGINX_RUNS_AS_ROOT,
          resources: SMALL,
          // nginx only reads the page: read-only, so it cannot change what the writer wrote.
          sharedMounts: [{ path: '/usr/share/nginx/html', readOnly: true }],
        },
        {
          name: 'writer',
          image: 'debian:bookworm-slim',
          securityContext: AS_USER_1000,
          resources: SMALL,
          command: ['/bin/sh', '-c'],
          args: ['while true; do echo "$(date) $(hostname)" >> /html/index.html; sleep 1; done'],
          sharedMounts: [{ path: '/html' }],
        },
      ],
    });
  }
}
