#!/bin/sh
# Stand-in for curlimages/curl's /entrypoint.sh: `curl ARGS` when the first argument is an option.
set -e
if [ "${1#-}" != "$1" ]; then
  set -- curl "$@"
fi
exec "$@"
