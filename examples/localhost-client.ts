import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LocalhostSidecars } from '../src';
import { NGINX_RUNS_AS_ROOT, POD_WITH_ROOT_CONTAINER, SMALL } from './_common';

/**
 * A localhost client: nginx on port 80 and a client that calls it at `http://localhost:80` every
 * 5 seconds, printing the page and the HTTP status.
 *
 * - `native: true` (`localhost-client`, Kubernetes >= 1.29): the client is a native sidecar (an
 *   init container with `restartPolicy: Always`): started before nginx, restarted whenever it
 *   exits, and stopped only after nginx, so it can call nginx for as long as nginx runs.
 * - `native: false` (`localhost-client-compat`, any Kubernetes version): the client is a regular
 *   container, started beside nginx; its loop retries until nginx answers.
 */
export class LocalhostClientChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly native: boolean; readonly name: string }) {
    super(scope, id);
    const pod = new kplus.Pod(this, props.name, {
      metadata: { name: props.name },
      // nginx's master runs as root: the Pod cannot keep runAsNonRoot (see _common.ts).
      securityContext: POD_WITH_ROOT_CONTAINER,
    });
    new LocalhostSidecars(this, 'site', {
      workload: pod,
      main: {
        name: 'nginx',
        image: 'nginx:1.27',
        // containerPort 80: the port the client is told about (MAIN_URL).
        portNumber: 80,
        securityContext: NGINX_RUNS_AS_ROOT,
        resources: SMALL,
      },
      sidecars: [{
        name: 'client',
        // The curl project's image runs as curl_user (uid 100): the uid is given so the kubelet
        // can check runAsNonRoot.
        image: 'curlimages/curl:8.11.1',
        securityContext: { user: 100, group: 101 },
        resources: SMALL,
        command: ['/bin/sh', '-c'],
        // MAIN_URL (http://localhost:80) is set by LocalhostSidecars.
        args: ['while true; do curl -sS -w "\\nHTTP %{http_code}\\n" "$MAIN_URL"; sleep 5; done'],
        ...props.native ? { nativeSidecar: true } : {},
      }],
    });
  }
}
