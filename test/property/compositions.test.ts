import { stopSchemaWorker } from './k8s-schema';
import { composition, workloadModel } from './workload-arbitraries';
import { describeWorkloadProperty } from './workload-harness';

afterAll(stopSchemaWorker);

// Two or three patterns (any, any repeated, a HelperContainer among them now and then) on one workload of each kind, among containers, init
// containers and volumes other code adds before, between and after them, with late joiners of
// any of the patterns (addMounts on another pattern's container, addConsumer, addSidecar).
// Three in four clean: with more containers, more of the wild values would make nearly every one invalid.
describeWorkloadProperty('Compositions', kind => workloadModel(kind, composition, 3));
