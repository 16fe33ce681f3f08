import { stopSchemaWorker } from './k8s-schema';
import { workloadModel } from './workload-arbitraries';
import { describeWorkloadProperty, onePattern } from './workload-harness';

afterAll(stopSchemaWorker);

// LocalhostSidecars on each kind, among containers, init containers and volumes other code adds before and
// after, with late joiners; its helpers now and then native sidecars.
describeWorkloadProperty('LocalhostSidecars', kind => workloadModel(kind, onePattern('LocalhostSidecars')));
