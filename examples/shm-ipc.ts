import { readFileSync } from 'fs';
import { join } from 'path';
import { Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { IpcProducerConsumerPod, IpcReadiness } from '../src';
import { AS_USER_1000, SMALL } from './_common';

// POSIX shared memory with Python's shm_open binding, scripts in shm-writer.py and shm-reader.py
// (the benchmark reads the same files). The writer builds the object under a temporary name and
// renames it (on Linux a POSIX shm object is a file in /dev/shm), so the reader's readiness
// condition, "/dev/shm/OS exists", also means "fully written". The resource tracker would unlink
// the objects at exit: the writer unregisters them.
const WRITER = readFileSync(join(__dirname, 'shm-writer.py'), 'utf8');
const READER = readFileSync(join(__dirname, 'shm-reader.py'), 'utf8');

/**
 * A POSIX shared-memory writer and reader (`shm_open("OS")`, 4096 bytes), with a 64Mi
 * memory-backed /dev/shm mounted in both containers.
 */
export class ShmIpcChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new IpcProducerConsumerPod(this, 'shm-ipc', {
      metadata: { name: 'shm-ipc' },
      readiness: IpcReadiness.posixSharedMemory('/OS'),
      shmSize: Size.mebibytes(64),
      producer: {
        name: 'writer',
        image: 'python:3.12-slim',
        command: ['python3', '-c', WRITER],
        securityContext: AS_USER_1000,
        resources: SMALL,
      },
      consumer: {
        name: 'reader',
        image: 'python:3.12-slim',
        command: ['python3', '-c', READER],
        securityContext: AS_USER_1000,
        resources: SMALL,
      },
    });
  }
}
