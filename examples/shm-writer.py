import os
from multiprocessing import shared_memory, resource_tracker
message = b"Hello from the writer through POSIX shared memory"
shm = shared_memory.SharedMemory(name="OS.tmp", create=True, size=4096)
shm.buf[:len(message)] = message
resource_tracker.unregister(shm._name, "shared_memory")
shm.close()
os.rename("/dev/shm/OS.tmp", "/dev/shm/OS")
print("wrote:", message.decode())
