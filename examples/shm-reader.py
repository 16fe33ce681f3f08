from multiprocessing import shared_memory, resource_tracker
shm = shared_memory.SharedMemory(name="OS")
print("read:", bytes(shm.buf).rstrip(b"\0").decode())
shm.close()
shm.unlink()
