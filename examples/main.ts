import { App } from 'cdk8s';
import { LocalhostSidecarChart } from './localhost-sidecar';
import { Mc1Chart } from './mc1';
import { Mc2Chart } from './mc2';
import { ShmIpcChart } from './shm-ipc';
import { TwoContainersChart } from './two-containers';
import { WriterReaderChart } from './writer-reader';

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
  return app;
}

if (require.main === module) {
  buildExamples(new App()).synth();
}
