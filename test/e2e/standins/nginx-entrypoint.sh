#!/bin/sh
# Stand-in for the nginx image's /docker-entrypoint.sh: runs the given command (CMD by default).
set -e
exec "$@"
