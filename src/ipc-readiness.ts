import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { passableProblem, printable, show, yamlProblem } from './_pod-rules';

/**
 * Options of an `IpcReadiness` condition.
 */
export interface IpcReadinessOptions {
  /**
   * How long to wait for the condition before giving up. On timeout the waiting container
   * exits 1 with a message naming the condition, so the Pod fails visibly instead of hanging.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;

  /**
   * How often to test the condition.
   * @default Duration.seconds(1)
   */
  readonly pollInterval?: Duration;
}

/**
 * How the consumer knows the producer's IPC object is ready: a condition tested with POSIX `sh`
 * inside the Pod, where the IPC namespace (and `/dev/shm`, `/dev/mqueue`) is shared.
 *
 * The condition says the object *exists*. Have the producer create it only once it may be used
 * (for shared memory, write it under a temporary name and rename it).
 *
 * Readiness objects are immutable.
 */
export class IpcReadiness {
  /**
   * The fixed POSIX `sh` script of `waitCommand`: its arguments are the condition, the number of
   * tries, the seconds between them, the message to print on giving up, then the command.
   */
  public static readonly WAIT_SCRIPT = [
    'condition=$1 tries=$2 interval=$3 give_up=$4',
    'shift 4',
    'if ! /bin/sh -n -c "$condition"; then',
    '  printf \'cdk8s-multicontainer: the readiness condition does not parse: %s\\n\' "$condition" >&2',
    '  exit 1',
    'fi',
    'n=0',
    'until /bin/sh -c "$condition"; do',
    '  if [ "$n" -ge "$tries" ]; then printf \'%s\\n\' "$give_up" >&2; exit 1; fi',
    '  n=$((n + 1))',
    '  sleep "$interval"',
    'done',
    '[ "$#" -eq 0 ] || exec "$@"',
  ].join('\n');

  /**
   * A POSIX message queue exists: `/dev/mqueue/<name>` (the container runtime mounts the
   * IPC namespace's mqueue filesystem there).
   * @param name the queue name as given to `mq_open`, e.g. `/ch6_ipc`
   */
  public static posixMessageQueue(name: string, options: IpcReadinessOptions = {}): IpcReadiness {
    return new IpcReadiness(`POSIX message queue ${printable(name)}`,
      `[ -e ${quote(`/dev/mqueue/${String(name).replace(/^\//, '')}`)} ]`, options, posixNameProblem(name, 'POSIX message queue'));
  }

  /**
   * A POSIX shared memory object exists: `/dev/shm/<name>`.
   * @param name the object name as given to `shm_open`, e.g. `/OS`
   */
  public static posixSharedMemory(name: string, options: IpcReadinessOptions = {}): IpcReadiness {
    return new IpcReadiness(`POSIX shared memory ${printable(name)}`,
      `[ -e ${quote(`/dev/shm/${String(name).replace(/^\//, '')}`)} ]`, options, posixNameProblem(name, 'POSIX shared memory'));
  }

  /**
   * A System V message queue with this key exists (listed in `/proc/sysvipc/msg`).
   * @param key the key given to `msgget`, e.g. from `ftok`
   */
  public static sysvMessageQueue(key: number, options: IpcReadinessOptions = {}): IpcReadiness {
    return IpcReadiness.sysv('message queue', '/proc/sysvipc/msg', key, options);
  }

  /**
   * A System V shared memory segment with this key exists (listed in `/proc/sysvipc/shm`).
   * @param key the key given to `shmget`
   */
  public static sysvSharedMemory(key: number, options: IpcReadinessOptions = {}): IpcReadiness {
    return IpcReadiness.sysv('shared memory segment', '/proc/sysvipc/shm', key, options);
  }

  /**
   * A file exists, e.g. a marker the producer writes once its IPC objects are ready.
   * @param path an absolute path, seen from the waiting container
   */
  public static file(path: string, options: IpcReadinessOptions = {}): IpcReadiness {
    return new IpcReadiness(`file ${printable(path)}`, `[ -e ${quote(String(path))} ]`, options,
      typeof path === 'string' && path.startsWith('/') ? undefined : `the path must be absolute, received ${show(path)}`);
  }

  /**
   * Any POSIX `sh` condition: ready when it exits 0.
   * @param condition a shell command list, e.g. `test -s /dev/shm/OS`
   */
  public static command(condition: string, options: IpcReadinessOptions = {}): IpcReadiness {
    return new IpcReadiness(`condition ${show(condition)}`, condition, options,
      typeof condition === 'string' && condition.trim() ? undefined : `the condition is empty, received ${show(condition)}`);
  }

  /**
   * No ordering: the consumer starts as soon as the kubelet starts it, and must itself cope
   * with the producer's IPC objects not existing yet.
   */
  public static none(): IpcReadiness {
    return new IpcReadiness('no readiness condition', undefined, {}, undefined);
  }

  private static sysv(what: string, table: string, key: number, options: IpcReadinessOptions): IpcReadiness {
    // /proc/sysvipc/* print the key as a signed 32-bit decimal in the first column.
    const signed = key > 2147483647 ? key - 4294967296 : key;
    const problem = Number.isInteger(key) && key >= -2147483648 && key <= 4294967295 && key !== 0
      ? undefined : `the key must be a non-zero 32-bit integer (IPC_PRIVATE, 0, cannot be found by others), received ${key}`;
    const condition = `( while read -r key _; do [ "$key" = "${signed}" ] && exit 0; done < ${table}; exit 1 )`;
    return new IpcReadiness(`System V ${what} with key ${key}`, condition, options, problem);
  }

  /** What is waited for, in words (used in messages and logs). */
  public readonly description: string;

  /**
   * The `sh` condition, or undefined for `IpcReadiness.none()`.
   */
  public readonly condition?: string;

  /** How long to wait. */
  public readonly timeout: Duration;

  /** How often to test. */
  public readonly pollInterval: Duration;

  /** Why the condition's arguments are unusable, or undefined when they are fine. */
  public readonly problem?: string;

  private constructor(description: string, condition: string | undefined, options: IpcReadinessOptions, argumentProblem: string | undefined) {
    this.description = description;
    this.condition = condition;
    // Durations from callers without types, or made of NaN or Infinity, cannot be used: reported, and replaced by the defaults.
    const timeout = milliseconds(options?.timeout ?? DEFAULT_TIMEOUT);
    const interval = milliseconds(options?.pollInterval ?? DEFAULT_POLL_INTERVAL);
    const usable = Number.isFinite(timeout) && Number.isFinite(interval);
    this.timeout = usable ? options?.timeout ?? DEFAULT_TIMEOUT : DEFAULT_TIMEOUT;
    this.pollInterval = usable ? options?.pollInterval ?? DEFAULT_POLL_INTERVAL : DEFAULT_POLL_INTERVAL;
    const timing = !usable || interval <= 0 || timeout < interval
      ? `pollInterval must be a positive Duration and at most timeout, received pollInterval ${show(interval)} ms and timeout ${show(timeout)} ms`
      : undefined;
    // What the library writes for the condition must obey the rules user text does.
    const text = condition === undefined ? undefined
      : yamlProblem(condition) ? 'kubectl or podman kube play would refuse or misread it in YAML'
        : passableProblem(condition)?.replace(/^which /, 'it ');
    this.problem = argumentProblem ?? (text && `the condition ${show(condition)} cannot be written as it is: ${text}`) ?? timing;
  }

  /**
   * A startup probe that tests the condition (`sh -c`), every `pollInterval` until `timeout`:
   * the gate of `StartupGate.NATIVE_SIDECAR`, or undefined for `IpcReadiness.none()`.
   */
  public startupProbe(): kplus.Probe | undefined {
    if (this.condition === undefined) return undefined;
    const interval = this.pollInterval.toSeconds({ integral: false });
    return kplus.Probe.fromCommand(['/bin/sh', '-c', this.condition], {
      periodSeconds: Duration.seconds(Math.max(1, Math.ceil(interval))),
      failureThreshold: Math.max(1, Math.ceil(this.timeout.toSeconds({ integral: false }) / Math.max(1, Math.ceil(interval)))),
    });
  }

  /**
   * The command that waits for the condition, then runs `command` (if any) with `exec`, or
   * exits 0: `/bin/sh -c WAIT_SCRIPT <name> <condition> <tries> <seconds> <give-up message> <command...>`.
   * The condition is passed as data and tested in a shell of its own (`sh -c "$condition"`),
   * so no text in it can change what the wrapper does: a condition that does not parse makes the
   * wrapper exit 1 saying so, and one that never holds makes it exit 1 after `timeout`; otherwise
   * the command always runs. Needs `sh` and `sleep` in the image.
   * @param command the command (and its args) to run once the condition holds
   * @returns the full argv, or `command` itself for `IpcReadiness.none()`
   */
  public waitCommand(command: string[] = []): string[] {
    if (this.condition === undefined) return command;
    const interval = this.pollInterval.toMilliseconds();
    const tries = Math.ceil(this.timeout.toMilliseconds() / interval);
    const seconds = interval % 1000 === 0 ? String(interval / 1000) : (interval / 1000).toFixed(3);
    const giveUp = `cdk8s-multicontainer: gave up after ${this.timeout.toHumanString()} waiting for ${this.description}; is the producer running?`;
    return ['/bin/sh', '-c', IpcReadiness.WAIT_SCRIPT, 'wait-for-producer', this.condition, String(tries), seconds, giveUp, ...command];
  }

}

/**
 * How the consumer is kept from starting before the producer's IPC object is ready.
 */
export enum StartupGate {
  /**
   * The consumer's command is wrapped in a `sh` loop that waits for the readiness condition,
   * then `exec`s the original command. Works on every Kubernetes version and container runtime;
   * needs `sh` in the consumer's image and the consumer's `command` set (the image's entrypoint
   * cannot be read at synth time).
   */
  CONSUMER_WAITS = 'CONSUMER_WAITS',

  /**
   * The producer gets a `postStart` hook that waits for the readiness condition. The kubelet
   * starts a Pod's containers in order and runs each `postStart` hook before starting the next
   * container, so the consumer (listed after the producer) starts only once the condition holds.
   * Leaves the consumer's command alone; needs `sh` in the producer's image. This ordering is a
   * kubelet implementation detail (kubernetes#81450), not an API guarantee, and a restarted
   * consumer is not held back; engines other than the kubelet (e.g. `podman kube play`) ignore it.
   */
  PRODUCER_POST_START = 'PRODUCER_POST_START',

  /** Both gates: the hook orders the start, the wrapper covers consumer restarts and other engines. */
  BOTH = 'BOTH',

  /**
   * The producer runs as a native sidecar (an init container with `restartPolicy: Always`,
   * Kubernetes >= 1.29 on the API server and every node) whose `startupProbe` tests the readiness
   * condition: the kubelet starts the consumer only once it passes. Leaves the consumer's command
   * alone; needs `sh` in the producer's image. Only for a producer that keeps running (declare
   * `producer.longRunning: true`): the kubelet restarts a native sidecar that exits, so a
   * producer that sends its messages and exits (like ch6_ipc) would send them again and again.
   */
  NATIVE_SIDECAR = 'NATIVE_SIDECAR',
}

// Durations are immutable: every readiness with the default timing shares these.
const DEFAULT_TIMEOUT = Duration.seconds(60);
const DEFAULT_POLL_INTERVAL = Duration.seconds(1);

function quote(text: string): string {
  return `'${text.replace(/'/g, '\'\\\'\'')}'`;
}

/** The milliseconds of a Duration, or NaN for anything that is not a usable one. */
function milliseconds(duration: Duration): number {
  try {
    const ms = duration.toMilliseconds();
    return typeof ms === 'number' ? ms : NaN;
  } catch {
    return NaN;
  }
}

function posixNameProblem(name: string, what: string): string | undefined {
  if (typeof name !== 'string') return `a ${what} name is a string, received ${show(name)}`;
  const bare = name.replace(/^\//, '');
  if (!bare || bare.includes('/') || bare === '.' || bare === '..' || bare.length > 255) {
    return `a ${what} name is "/" followed by 1 to 255 characters without "/", received ${show(name)}`;
  }
  return undefined;
}
