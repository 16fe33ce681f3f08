import { App } from 'cdk8s';
import { ComposedChart } from './composed';
import { JobLogShipperChart } from './job-log-shipper';
import { LocalhostClientChart } from './localhost-client';
import { LocalhostDaemonSetChart } from './localhost-daemonset';
import { LocalhostSidecarChart } from './localhost-sidecar';
import { Mc1Chart } from './mc1';
import { Mc1DeploymentChart } from './mc1-deployment';
import { Mc2Chart } from './mc2';
import { ShmIpcChart } from './shm-ipc';
import { StartupOrderChart } from './startup-order';
import { TwoContainersChart } from './two-containers';
import { WriterReaderChart } from './writer-reader';
import { WriterReaderJobChart } from './writer-reader-job';

/** Every example, one chart (and one manifest file) each. */
export function buildExamples(app: App): App {
  new Mc1Chart(app, 'mc1');
  new TwoContainersChart(app, 'two-containers');
  new WriterReaderChart(app, 'writer-reader');
  new Mc2Chart(app, 'mc2');
  // mc2 with the ordering protection off: shows the startup race the library solves.
  new Mc2Chart(app, 'mc2-unordered', { ordered: false, name: 'mc2-unordered' });
  new ShmIpcChart(app, 'shm-ipc');
  new LocalhostSidecarChart(app, 'localhost-sidecar');
  // The patterns on workloads other than a bare Pod.
  new Mc1DeploymentChart(app, 'mc1-deployment');
  new WriterReaderJobChart(app, 'writer-reader-job');
  new LocalhostDaemonSetChart(app, 'localhost-daemonset');
  new ComposedChart(app, 'composed');
  // Native sidecars (Kubernetes >= 1.29), each with its 1.27-compatible twin (-compat).
  new StartupOrderChart(app, 'startup-order', { native: true, name: 'startup-order' });
  new StartupOrderChart(app, 'startup-order-compat', { native: false, name: 'startup-order-compat' });
  new JobLogShipperChart(app, 'job-log-shipper', { native: true, name: 'job-log-shipper' });
  new JobLogShipperChart(app, 'job-log-shipper-compat', { native: false, name: 'job-log-shipper-compat' });
  new LocalhostClientChart(app, 'localhost-client', { native: true, name: 'localhost-client' });
  new LocalhostClientChart(app, 'localhost-client-compat', { native: false, name: 'localhost-client-compat' });
  return app;
}

if (require.main === module) {
  buildExamples(new App()).synth();
}
