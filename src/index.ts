export * from './multi-container-pod';
export * from './pattern-container';
export * from './shared-volumes';
export * from './ipc-readiness';
export * from './ipc-producer-consumer';
export * from './localhost-sidecars';
export * from './helper-container';
