#!/bin/sh
# /ipc of the variant stand-in localhost/e2e/ch6_ipc-slow-producer: in the producer role (the
# default, or -producer) it waits E2E_PRODUCER_DELAY seconds before the real program creates the
# queue, to provoke the start-up race; the consumer role runs the real program at once.
role=producer
for arg in "$@"; do
  case $arg in -consumer | --consumer) role=consumer ;; -producer | --producer) role=producer ;; esac
done
if [ "$role" = producer ]; then
  echo "e2e: producer delayed by ${E2E_PRODUCER_DELAY:-4}s before it creates the queue"
  sleep "${E2E_PRODUCER_DELAY:-4}"
fi
exec /ipc.real "$@"
