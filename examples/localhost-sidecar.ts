import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { LocalhostSidecarPod } from '../src';
import { NGINX_RUNS_AS_ROOT, POD_WITH_ROOT_CONTAINER, SMALL } from './_common';

/**
 * nginx on port 80 and a helper that fetches `http://localhost:80` every 5 seconds, printing
 * the page and the HTTP status. The helper's URL comes from `MAIN_URL`, set by the construct.
 */
export class LocalhostSidecarChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new LocalhostSidecarPod(this, 'localhost-sidecar', {
      metadata: { name: 'localhost-sidecar' },
      securityContext: POD_WITH_ROOT_CONTAINER,
      main: {
        name: 'nginx',
        image: 'nginx:1.27',
        portNumber: 80,
        securityContext: NGINX_RUNS_AS_ROOT,
        resources: SMALL,
      },
      sidecars: [{
        name: 'fetcher',
        // The curl project's image: it has curl (debian does not) and runs as curl_user (uid 100).
        // The kubelet cannot check a user given by name, so the uid is set here.
        image: 'curlimages/curl:8.11.1',
        securityContext: { user: 100, group: 101 },
        resources: SMALL,
        command: ['/bin/sh', '-c'],
        args: ['while true; do curl -sS -w "\\nHTTP %{http_code}\\n" "$MAIN_URL"; sleep 5; done'],
      }],
    });
  }
}
