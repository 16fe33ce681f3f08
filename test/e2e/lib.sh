# shellcheck shell=bash
# Helpers of the e2e suite: assertions, bounded waits, playing and tearing down pods.
# Sourced by run.sh, which sets E2E_DIR, E2E_STATE, E2E_WORK and E2E_CACHE.

E2E_PASSED=0
E2E_FAILED=0
E2E_PODS=() # "name|file" of every pod played, for teardown

# One line per assertion, saying what was seen.
ok() {
  E2E_PASSED=$((E2E_PASSED + 1))
  echo "ok $*"
}
fail() {
  E2E_FAILED=$((E2E_FAILED + 1))
  E2E_CASE_FAILED=1
  echo "FAIL $*"
}
note() { echo "note $*"; }
info() { echo "# $*"; }

# Runs a command that prints ok/FAIL/note lines and counts them. The command's exit status is
# returned; if it failed without printing a FAIL line, that is a failure of its own.
counted() {
  local out rc line failed=0
  out=$("$@" 2>&1)
  rc=$?
  while IFS= read -r line; do
    case $line in
    "ok "*) ok "${line#ok }" ;;
    "FAIL "*)
      fail "${line#FAIL }"
      failed=1
      ;;
    "") ;;
    *) echo "$line" ;;
    esac
  done <<<"$out"
  if [ $rc -ne 0 ] && [ $failed = 0 ]; then fail "$* exited $rc"; fi
  return $rc
}

# wait_until SECONDS COMMAND...: polls every 0.5 s; returns 1 on timeout.
wait_until() {
  local limit=$1 start=$SECONDS
  shift
  until "$@"; do
    if [ $((SECONDS - start)) -ge "$limit" ]; then return 1; fi
    sleep 0.5
  done
}

ctr_status() { podman inspect --format '{{.State.Status}}' "$1" 2>/dev/null; }
ctr_exit_code() { podman inspect --format '{{.State.ExitCode}}' "$1" 2>/dev/null; }
ctr_exited() {
  local s
  s=$(ctr_status "$1")
  [ "$s" = exited ] || [ "$s" = stopped ]
}
ctr_logs() { podman logs "$1" 2>&1; }
# A timestamp of a container (StartedAt, FinishedAt) from podman inspect.
ctr_time() { podman inspect --format "{{.State.$2}}" "$1" 2>/dev/null; }

# wait_exited SECONDS CONTAINER...: every container has exited (or FAIL with the time waited).
wait_exited() {
  local limit=$1 c
  shift
  for c in "$@"; do
    if ! wait_until "$limit" ctr_exited "$c"; then
      fail "$E2E_CASE: timeout: $c still '$(ctr_status "$c")' after ${limit}s (expected it to exit)"
      return 1
    fi
  done
}

# Names of the pod's containers, volumes (name and kind) and the pods podman makes (one per
# replica of a Deployment: NAME-pod-0, NAME-pod-1, ...), from the YAML.
pod_containers() { node "$E2E_DIR/manifest.mjs" info "$1" | awk '$1 == "container" { print $2 }'; }
pod_volumes() { node "$E2E_DIR/manifest.mjs" info "$1" | awk '$1 == "volume" { print $2, $3 }' | sort -u; }
pod_name() { node "$E2E_DIR/manifest.mjs" info "$1" | awk '$1 == "pod" { print $2; exit }'; }
pod_names() { node "$E2E_DIR/manifest.mjs" info "$1" | awk '$1 == "pod" { print $2 }'; }

# Prints the logs of every container of a pod (called when one of its assertions failed).
dump_logs() {
  local pod=$1 file=$2 c
  for c in $(pod_containers "$file"); do
    if ! podman container exists "$pod-$c"; then
      echo "----- $pod-$c: no such container"
      continue
    fi
    echo "----- $pod-$c: $(ctr_status "$pod-$c") exit $(ctr_exit_code "$pod-$c"); logs:"
    ctr_logs "$pod-$c" | tail -n 40 | sed 's/^/  | /'
  done
  echo "----- end of logs of $pod"
}

# Emulates the kubelet's emptyDir: an EMPTY directory owned by root with mode 0777 (a tmpfs for
# medium: Memory), whichever container starts first. Left alone, podman's named volumes differ:
#  - a volume of the same name from an earlier or crashed run (or another pod) is reused;
#  - on first use podman copies the image's files at the mount path into the empty volume
#    ("copy-up": nginx's index.html lands in mc1's html volume), depending on which container
#    starts first -> `--opt nocopy`;
#  - on first use podman chowns the volume to the first container's user and copies the mode of
#    the image's directory (0755 root for nginx's html dir) -> a uid given with `o=uid=0,gid=0`
#    turns that off, then mode 0777 like the kubelet's emptyDir.
make_volumes() {
  local file=$1 name kind mp
  while read -r name kind; do
    podman volume rm -f "$name" >/dev/null 2>&1
    case $kind in
    emptyDir-disk)
      podman volume create --label e2e=1 --opt nocopy --opt o=uid=0,gid=0 "$name" >/dev/null || return 1
      mp=$(podman volume inspect --format '{{.Mountpoint}}' "$name") && chmod 0777 "$mp" || return 1
      ;;
    emptyDir-memory)
      # sizeLimit cannot be passed on (podman takes size= for a quota this filesystem lacks).
      podman volume create --label e2e=1 --opt nocopy --opt type=tmpfs --opt device=tmpfs \
        --opt o=uid=0,gid=0,mode=0777,nosuid,nodev "$name" >/dev/null || return 1
      ;;
    *)
      echo "volume $name is $kind: only emptyDir volumes are supported by test/e2e" >&2
      return 1
      ;;
    esac
  done < <(pod_volumes "$file")
}

# play LABEL YAML VARIANT: replaces a Job, CronJob, DaemonSet or StatefulSet by the Pod its
# controller would create (podman plays only Pods and Deployments), rewrites the YAML's images
# (VARIANT "" or slow-producer), checks the kubelet rules podman skips, prepares fresh volumes and
# plays it. Sets PODFILE, PODS (every pod podman makes: one per replica of a Deployment) and POD
# (the first of them).
play() {
  local label=$1 src=$2 variant=$3 map p notes
  E2E_CASE=$label
  E2E_CASE_FAILED=0
  E2E_CASE_T0=$SECONDS
  POD=""
  PODS=()
  PODFILE="$E2E_WORK/${label//[^A-Za-z0-9_.-]/_}.yaml"
  map="$PODFILE.images"
  if [ ! -f "$src" ]; then
    fail "$label: $src does not exist (did \`npx cdk8s synth\` write it?)"
    return 1
  fi
  write_image_map "$variant" "$map"
  if ! notes=$(node "$E2E_DIR/manifest.mjs" as-pods "$src" "$PODFILE.pods" 2>"$PODFILE.err" &&
    node "$E2E_DIR/manifest.mjs" rewrite "$PODFILE.pods" "$PODFILE" "$map" 2>"$PODFILE.err"); then
    fail "$label: $(cat "$PODFILE.err")"
    return 1
  fi
  [ -z "$notes" ] || echo "$notes"
  mapfile -t PODS < <(pod_names "$PODFILE")
  POD=${PODS[0]}
  for p in "${PODS[@]}"; do
    E2E_PODS+=("$p|$PODFILE")
    teardown_pod "$p" "$PODFILE" quiet
  done
  counted node "$E2E_DIR/manifest.mjs" policy "$PODFILE"
  if ! make_volumes "$PODFILE"; then
    fail "$label: could not prepare the pod's volumes"
    return 1
  fi
  if ! podman kube play "$PODFILE" >"$PODFILE.play.log" 2>&1; then
    local why
    why=$(grep -v syslog "$PODFILE.play.log" | tail -n 5)
    if grep -q 'converting YAML to JSON' <<<"$why"; then
      why+=" (podman reads YAML with sigs.k8s.io/yaml, as kubectl does: kubectl would most likely reject this file too)"
    fi
    fail "$label: podman kube play failed: $why"
    return 1
  fi
  info "$label: playing pod${PODS[1]:+s} ${PODS[*]} ($(pod_containers "$PODFILE" | paste -sd, -))${variant:+ with the $variant stand-in}"
  for p in "${PODS[@]}"; do
    podman pod exists "$p" || fail "$label: podman kube play made no pod $p (pods: $(podman pod ps --format '{{.Name}}' | paste -sd' ' -))"
  done
}

# Tears a pod down and removes its volumes; checks nothing is left unless "quiet".
teardown_pod() {
  local pod=$1 file=$2 quiet=${3:-} name kind left=""
  podman pod rm -f -t 0 "$pod" >/dev/null 2>&1
  podman kube play --down "$file" >/dev/null 2>&1
  while read -r name kind; do podman volume rm -f "$name" >/dev/null 2>&1; done < <(pod_volumes "$file")
  [ -n "$quiet" ] && return 0
  podman pod exists "$pod" && left+=" pod $pod;"
  left+=$(podman ps -a --format '{{.Names}}' | grep -E "^$pod-" | sed 's/^/ container /; s/$/;/' | tr -d '\n')
  while read -r name kind; do
    podman volume exists "$name" && left+=" volume $name;"
  done < <(pod_volumes "$file")
  if [ -n "$left" ]; then
    fail "$E2E_CASE teardown: left behind:$left"
    return 1
  fi
}

# Ends the current case: logs on failure, teardown always (every pod of the play).
finish() {
  [ -n "${POD:-}" ] || return 0
  local p
  for p in "${PODS[@]}"; do
    if [ "$E2E_CASE_FAILED" = 1 ]; then dump_logs "$p" "$PODFILE"; fi
  done
  for p in "${PODS[@]}"; do teardown_pod "$p" "$PODFILE"; done
  info "$E2E_CASE: done in $((SECONDS - E2E_CASE_T0)) s (pod${PODS[1]:+s} torn down, volumes removed)"
  POD=""
  PODS=()
}

# Trap: whatever happened, no pod, container or volume of ours stays behind.
teardown_all() {
  local entry
  for entry in "${E2E_PODS[@]}"; do
    teardown_pod "${entry%%|*}" "${entry#*|}" quiet
  done
}
