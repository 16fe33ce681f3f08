import { Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IpcReadiness, SharedVolumes } from '../src';
import { AS_USER_1000, SMALL } from './_common';

/** What the app is sure to find when it starts, tested the same way in both forms. */
const CONFIG_READY = 'test -s /config/app.conf';

/**
 * The app: it reads its configuration once, at start, and refuses to run without it.
 */
const APP = '[ -s /config/app.conf ] || { echo "app: no /config/app.conf" >&2; exit 1; }; '
  + 'echo "app: started with $(cat /config/app.conf)"; while true; do sleep 3600; done';

/**
 * The config writer: `sleep 3` stands for fetching the configuration; the file is written under
 * a temporary name and renamed, so it is complete once it exists. Then it keeps running, as a
 * helper that would refresh the configuration does.
 */
const WRITER = 'sleep 3; echo "mode=demo" > /config/.app.conf && mv /config/.app.conf /config/app.conf; '
  + 'echo "config-writer: wrote /config/app.conf"; while true; do sleep 3600; done';

/**
 * Startup coordination (Kubernetes docs' sidecar pattern): a config writer fills the shared
 * emptyDir `config`, and the app starts only once the file is there.
 *
 * - `native: true` (`startup-order`, Kubernetes >= 1.29): the writer is a native sidecar (an init
 *   container with `restartPolicy: Always`) whose startupProbe tests for the file; the kubelet
 *   starts the app container only once that probe has passed.
 * - `native: false` (`startup-order-compat`, any Kubernetes version): both are regular containers,
 *   started together; the app's command is wrapped in the library's wait script
 *   (`IpcReadiness.waitCommand`), which tests the same condition before running the app.
 */
export class StartupOrderChart extends Chart {
  constructor(scope: Construct, id: string, props: { readonly native: boolean; readonly name: string }) {
    super(scope, id);
    const web = new kplus.Deployment(this, props.name, {
      metadata: { name: props.name },
      // One Pod is enough to show the start order.
      replicas: 1,
    });
    const ready = IpcReadiness.command(CONFIG_READY, { timeout: Duration.seconds(60) });
    new SharedVolumes(this, 'config', {
      workload: web,
      volumes: [{ name: 'config' }],
      containers: [
        {
          name: 'app',
          image: 'busybox:1.36',
          securityContext: AS_USER_1000,
          resources: SMALL,
          // Native: the kubelet holds the app back; compat: the app's own command waits first.
          command: props.native ? ['/bin/sh', '-c', APP] : ready.waitCommand(['/bin/sh', '-c', APP]),
          // The app only reads its configuration.
          sharedMounts: [{ path: '/config', readOnly: true }],
        },
        {
          name: 'config-writer',
          image: 'busybox:1.36',
          securityContext: AS_USER_1000,
          resources: SMALL,
          command: ['/bin/sh', '-c', WRITER],
          sharedMounts: [{ path: '/config' }],
          ...props.native ? {
            nativeSidecar: true,
            // Checked every second for up to 60 s: the app starts within a second of the file.
            startup: kplus.Probe.fromCommand(['/bin/sh', '-c', CONFIG_READY], {
              periodSeconds: Duration.seconds(1),
              failureThreshold: 60,
            }),
          } : {},
        },
      ],
    });
  }
}
