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
}
