import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { LocalhostSidecars, SharedVolumes } from '../src';
import { AS_USER_1000, NGINX_RUNS_AS_ROOT, POD_WITH_ROOT_CONTAINER, SMALL } from './_common';

/**
 * Two patterns on one Deployment: nginx serves the `html` emptyDir a puller writes into
 * (SharedVolumes), and a probe calls nginx on localhost (LocalhostSidecars). The three
 * containers, their ports, mounts and volumes are checked together at synth.
 */
export class ComposedChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const shop = new kplus.Deployment(this, 'composed', {
      metadata: { name: 'composed' },
      // Two Pods from one template, each with its own emptyDir and its own localhost.
      replicas: 2,
      // nginx's master runs as root: the Pod cannot keep runAsNonRoot (see _common.ts).
      securityContext: POD_WITH_ROOT_CONTAINER,
    });
    const server = new LocalhostSidecars(this, 'server', {
      workload: shop,
      main: {
        name: 'web',
        image: 'nginx:1.27',
        // containerPort 80 (no hostPort), what a Service would target; the probe reaches it on localhost.
        portNumber: 80,
        securityContext: NGINX_RUNS_AS_ROOT,
        resources: SMALL,
      },
      sidecars: [{
        name: 'probe',
        image: 'curlimages/curl:8.11.1',
        // curl_user's uid, so the kubelet can check runAsNonRoot.
        securityContext: { user: 100, group: 101 },
        resources: SMALL,
        command: ['/bin/sh', '-c'],
        // -f: an HTTP error (nginx's 403 before the puller's first write) is logged as a failure.
        args: ['while true; do curl -fsS "$MAIN_URL"; sleep 5; done'],
      }],
    });
    const content = new SharedVolumes(this, 'content', {
      workload: shop,
      volumes: [{ name: 'html' }],
      containers: [{
        name: 'puller',
        image: 'debian:bookworm-slim',
        securityContext: AS_USER_1000,
        resources: SMALL,
        command: ['/bin/sh', '-c'],
        // Stands for a content puller: writes the page to a temporary name and renames it, so
        // nginx never serves half a page; `hostname` is the Pod's name, so a page says which
        // replica's puller wrote it.
        args: ['while true; do echo "pulled at $(date) by $(hostname)" > /html/.index.html && mv /html/.index.html /html/index.html; sleep 5; done'],
        sharedMounts: [{ path: '/html' }],
      }],
    });
    // The other pattern's main container joins this one: it serves what the puller writes,
    // read-only, so it cannot change the content.
    content.addMounts(server.main, [{ path: '/usr/share/nginx/html', readOnly: true }]);
  }
}
