import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LocalhostSidecars } from '../src';
import { NGINX_RUNS_AS_ROOT, POD_WITH_ROOT_CONTAINER, SMALL } from './_common';

/**
 * `localhost-sidecar` as a DaemonSet (one Pod per node): nginx on port 80 and a fetcher that
 * calls it at `http://localhost:80` every 5 seconds, printing the page and the HTTP status.
 */
export class LocalhostDaemonSetChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const agent = new kplus.DaemonSet(this, 'localhost-daemonset', {
      metadata: { name: 'localhost-daemonset' },
      // nginx's master runs as root: the Pod cannot keep runAsNonRoot (see _common.ts).
      securityContext: POD_WITH_ROOT_CONTAINER,
    });
    new LocalhostSidecars(this, 'site', {
      workload: agent,
      main: {
        name: 'nginx',
        image: 'nginx:1.27',
        // containerPort 80 (no hostPort): reachable on localhost by the Pod's containers only.
        portNumber: 80,
        securityContext: NGINX_RUNS_AS_ROOT,
        resources: SMALL,
      },
      sidecars: [{
        name: 'fetcher',
        // The curl project's image runs as curl_user (uid 100): the uid is given so the kubelet
        // can check runAsNonRoot (it cannot check a user given by name).
        image: 'curlimages/curl:8.11.1',
        securityContext: { user: 100, group: 101 },
        resources: SMALL,
        command: ['/bin/sh', '-c'],
        // MAIN_URL (http://localhost:80) is set by LocalhostSidecars.
        args: ['while true; do curl -sS -w "\\nHTTP %{http_code}\\n" "$MAIN_URL"; sleep 5; done'],
      }],
    });
  }
}
