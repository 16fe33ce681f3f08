import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

/**
 * A writable `emptyDir` only its own container mounts: scratch space such as `/tmp` or
 * `/var/cache/nginx` for a container with a read-only root filesystem. It is shared with no
 * other container (for that, use a shared volume).
 */
export interface ScratchMount {
  /**
   * The absolute path in the container, e.g. `/tmp`.
   */
  readonly path: string;

  /**
   * The volume's name in the Pod (a DNS-1123 label).
   * @default - `<container name>-scratch-<index>`, e.g. `nginx-scratch-0`
   */
  readonly volume?: string;

  /**
   * Where the volume is stored; `EmptyDirMedium.MEMORY` is a tmpfs that counts against the
   * container's memory limit.
   * @default EmptyDirMedium.DEFAULT - the node's disk
   */
  readonly medium?: kplus.EmptyDirMedium;

  /**
   * The most the volume may hold; the kubelet evicts the Pod beyond it. A whole number of mebibytes.
   * @default - no limit
   */
  readonly sizeLimit?: Size;
}

/**
 * A container of a multi-container pattern: cdk8s-plus container props, plus what the pattern
 * needs to know about how the container runs.
 */
export interface PatternContainerProps extends kplus.ContainerProps {
  /**
   * Whether the container keeps running until it is stopped (a server, a helper loop) rather than
   * exiting once its work is done. A Job's (or CronJob's) Pod completes only when every app
   * container has exited, so a long-running helper there is a synth error unless it is a native
   * sidecar; set `false` for a server that exits on its own (e.g. on a shutdown signal from the
   * main container).
   * @default - true when the container declares a port (a server keeps running), false otherwise
   */
  readonly longRunning?: boolean;

  /**
   * Private writable scratch volumes of this container (each an `emptyDir` no other container
   * mounts), e.g. `[{ path: '/tmp' }]` for a process that writes temporary files under a
   * read-only root filesystem.
   * @default - none
   */
  readonly scratchMounts?: ScratchMount[];

  /**
   * Run this helper as a native sidecar (Kubernetes >= 1.29 on the API server and every node):
   * an init container with `restartPolicy: Always`. It starts before the app containers, in the
   * order added; the next container starts only once its `startup` probe has passed (set one, or
   * it gets the TCP probe cdk8s-plus gives a `portNumber`), so the probe is how "the app starts
   * only once this helper is ready" is said. It keeps running beside the app containers, is
   * stopped after them, is restarted whenever it exits (so it must not be a helper that exits
   * when done), takes probes and lifecycle hooks, and does not keep a Job from completing.
   *
   * Off by default, because a cluster older than 1.29 does not run it: before 1.28 the API
   * server refuses the field, and on 1.28 with the feature gate off it drops it, so the
   * sidecar becomes a blocking init container and the Pod stays in `Init` forever.
   * @default false - a regular app container, which runs on every Kubernetes version
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
   */
  readonly nativeSidecar?: boolean;
}
