import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';

/**
 * Small requests and limits: cdk8s-plus's defaults (1 CPU / 512Mi requested per container)
 * would keep two-container Pods off small nodes.
 */
export const SMALL: kplus.ContainerResources = {
  cpu: { request: kplus.Cpu.millis(50), limit: kplus.Cpu.millis(500) },
  memory: { request: Size.mebibytes(32), limit: Size.mebibytes(128) },
};

/**
 * The stock nginx image runs its master process as root (it binds port 80 and switches to the
 * `nginx` user) and writes to /var/cache/nginx and /var/run: a kubelet refuses it under
 * `runAsNonRoot`, and a read-only root filesystem stops it. These two opt-outs are the
 * minimum it needs; every other cdk8s-plus default (no privilege escalation, not privileged) stays.
 */
export const NGINX_RUNS_AS_ROOT: kplus.ContainerSecurityContextProps = {
  ensureNonRoot: false,
  readOnlyRootFilesystem: false,
};

/**
 * Stock debian, busybox and python images run as root by default. Their jobs here (a shell
 * loop, a script) need no root, so they run as an ordinary user instead and keep every
 * cdk8s-plus default, including the read-only root filesystem: they only write to the
 * shared volume, which an `emptyDir` makes writable for everyone.
 */
export const AS_USER_1000: kplus.ContainerSecurityContextProps = { user: 1000, group: 1000 };

/**
 * A Pod with a root container cannot keep the Pod-level `runAsNonRoot: true`.
 */
export const POD_WITH_ROOT_CONTAINER: kplus.PodSecurityContextProps = { ensureNonRoot: false };
