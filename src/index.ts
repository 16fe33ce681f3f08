export * from './multi-container-pod';
export * from './shared-volume-pod';
export * from './ipc-readiness';
export * from './ipc-producer-consumer-pod';
export * from './localhost-sidecar-pod';
