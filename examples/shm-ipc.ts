import { Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { IpcProducerConsumerPod, IpcReadiness } from '../src';
import { AS_USER_1000, SMALL } from './_common';

// POSIX shared memory with Python's shm_open binding. The writer builds the object under a
// temporary name and renames it (on Linux a POSIX shm object is a file in /dev/shm), so the
// reader's readiness condition, "/dev/shm/OS exists", also means "fully written". The
// resource tracker would unlink the objects at exit: unregister them. (The scripts start on
// the backtick line: a block scalar opening with a blank line trips go-yaml, hence kubectl.)
const WRITER = `import os
from multiprocessing import shared_memory, resource_tracker
message = b"Hello from the writer through POSIX shared memory"
shm = shared_memory.SharedMemory(name="OS.tmp", create=True, size=4096)
shm.buf[:len(message)] = message
resource_tracker.unregister(shm._name, "shared_memory")
shm.close()
os.rename("/dev/shm/OS.tmp", "/dev/shm/OS")
print("wrote:", message.decode())
`;

const READER = `from multiprocessing import shared_memory, resource_tracker
shm = shared_memory.SharedMemory(name="OS")
print("read:", bytes(shm.buf).rstrip(b"\\0").decode())
shm.close()
shm.unlink()
`;

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
