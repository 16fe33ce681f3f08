#!/usr/bin/env bash
# End-to-end suite: plays every example Pod that `npx cdk8s synth --no-check-upgrade` writes to
# examples/dist/ with `podman kube play`, and checks what a person would check by hand.
#
#   npm run test:e2e                  # all cases (synthesizes the examples first)
#   bash test/e2e/run.sh mc1 mc2-race # some cases; names: see E2E_CASES below
#
# Environment: E2E_SKIP_SYNTH=1 (use examples/dist as it is), E2E_DIST=DIR (manifests from DIR),
# E2E_REBUILD=1 (rebuild every image), E2E_NO_INSTALL=1 (never apt-get install),
# E2E_DEBIAN_MIRROR=URL (debootstrap mirror), CI=true (a machine that cannot run this fails).
# Needs root and podman (installed with apt-get when missing). See test/e2e/README.md.
set -uo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_ROOT=$(cd "$E2E_DIR/../.." && pwd)
E2E_STATE="$E2E_ROOT/.e2e"     # gitignored: caches, logs, private containers.conf
E2E_CACHE="$E2E_STATE/cache"   # compiled ipc, scratch space for image builds
E2E_WORK="$E2E_STATE/run"      # this run's rewritten YAML and logs (kept for inspection)
DIST=${E2E_DIST:-$E2E_ROOT/examples/dist}
E2E_CASES=(mc1 two-containers writer-reader mc2 mc2-race shm-ipc localhost-sidecar)

# shellcheck source=test/e2e/lib.sh
source "$E2E_DIR/lib.sh"
# shellcheck source=test/e2e/setup.sh
source "$E2E_DIR/setup.sh"
# shellcheck source=test/e2e/images.sh
source "$E2E_DIR/images.sh"

summary() {
  echo "e2e: $E2E_PASSED passed, $E2E_FAILED failed"
  [ "$E2E_FAILED" = 0 ] && [ "$E2E_PASSED" -gt 0 ]
}

# ---------------------------------------------------------------------------------------------
# The cases. Each plays one pod (play), asserts, and ends with finish (logs on failure, teardown).

# Fetches http://localhost:80/ from inside a container of the pod; sets PAGE and HTTP.
fetch() {
  local out
  out=$(podman exec "$1" curl -sS -m 3 -w '\nHTTP %{http_code}' http://localhost:80/ 2>&1)
  HTTP=$(tail -n 1 <<<"$out" | sed -n 's/^HTTP //p')
  PAGE=$(sed '$d' <<<"$out")
}
DATE_LINE='^[A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]+ [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Z]+ [0-9]{4}$'
date_lines() { grep -cE "$DATE_LINE" <<<"$PAGE"; }
served_dates() {
  fetch "$1"
  [ "$HTTP" = 200 ] && [ "$(date_lines)" -ge "${2:-1}" ]
}

case_mc1() {
  play mc1 "$DIST/mc1.k8s.yaml" "" || { finish; return; }
  local n1 n2 other
  if ! wait_until 30 served_dates "$POD-1st" 2; then
    fail "mc1: timeout: after 30s nginx (1st) answered HTTP '${HTTP:-none}' with $(date_lines) date lines: ${PAGE:0:200}"
  else
    n1=$(date_lines)
    sleep 3
    fetch "$POD-1st"
    n2=$(date_lines)
    other=$(grep -cvE "$DATE_LINE" <<<"$PAGE")
    if [ "$HTTP" = 200 ] && [ "$n2" -gt "$n1" ] && [ "$other" = 0 ]; then
      ok "mc1: nginx (1st) served $n1 \`date\` lines written by 2nd over http://localhost:80, grew to $n2 after 3s (last: $(tail -n 1 <<<"$PAGE"))"
    else
      fail "mc1: served $n1 date lines, then HTTP $HTTP with $n2 date lines and $other other lines after 3s"
    fi
  fi
  # podman enforces readOnlyRootFilesystem (the YAML sets it for 2nd): prove it rather than trust it.
  local probe
  probe=$(podman exec "$POD-2nd" touch /e2e-probe 2>&1)
  if [ $? -ne 0 ] && grep -q 'Read-only file system' <<<"$probe"; then
    ok "mc1: readOnlyRootFilesystem is enforced: in 2nd \`touch /e2e-probe\` said: $probe"
  else
    fail "mc1: 2nd has readOnlyRootFilesystem true, yet \`touch /e2e-probe\` gave: ${probe:-success}"
  fi
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

page_is() {
  fetch "$1"
  [ "$HTTP" = 200 ] && [ "$PAGE" = "$2" ]
}

case_two_containers() {
  play two-containers "$DIST/two-containers.k8s.yaml" "" || { finish; return; }
  local want="Hello from the debian container"
  if wait_exited 30 "$POD-debian-container"; then
    local code
    code=$(ctr_exit_code "$POD-debian-container")
    if [ "$code" != 0 ]; then
      fail "two-containers: debian-container exited $code"
    elif wait_until 20 page_is "$POD-nginx-container" "$want"; then
      ok "two-containers: debian-container exited 0; nginx-container serves '$PAGE' (HTTP $HTTP) on http://localhost:80; nginx still $(ctr_status "$POD-nginx-container")"
    else
      fail "two-containers: timeout: after 20s nginx-container answered HTTP '${HTTP:-none}' with '${PAGE:0:200}', expected '$want'"
    fi
  fi
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

case_writer_reader() {
  play writer-reader "$DIST/writer-reader.k8s.yaml" "" || { finish; return; }
  if wait_exited 60 "$POD-writer" "$POD-reader"; then
    local cw cr said written mp writer_cmd
    cw=$(ctr_exit_code "$POD-writer")
    cr=$(ctr_exit_code "$POD-reader")
    said=$(ctr_logs "$POD-reader")
    mp=$(podman volume inspect --format '{{.Mountpoint}}' shared-data 2>/dev/null)
    written=$(cat "$mp/message.txt" 2>/dev/null)
    writer_cmd=$(node "$E2E_DIR/manifest.mjs" command "$PODFILE" writer)
    if [ "$cw" != 0 ] || [ "$cr" != 0 ]; then
      fail "writer-reader: writer exited $cw, reader exited $cr (expected 0 and 0)"
    elif [ -z "$written" ] || [[ "$writer_cmd" != *"$written"* ]]; then
      fail "writer-reader: message.txt in volume shared-data holds '$written', not a message from the writer's command"
    elif [ "$said" != "$written" ]; then
      fail "writer-reader: reader printed '$said', the writer wrote '$written'"
    else
      ok "writer-reader: reader printed the writer's message '$said' (message.txt in shared-data); both exited 0"
    fi
  fi
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

pod_state() { podman pod inspect --format '{{.State}}' "$1" 2>/dev/null; }
pod_is_exited() { [ "$(pod_state "$1")" = Exited ]; }

# Checks a producer/consumer run that must succeed. $1 label.
check_ipc_success() {
  local label=$1 cp cc plog clog produced consumed n
  # The consumer first: if it failed, the producer may wait up to 30 s for a reader.
  wait_exited 60 "$POD-consumer" || return
  cc=$(ctr_exit_code "$POD-consumer")
  if [ "$cc" != 0 ]; then
    fail "$label: consumer exited $cc (expected 0): $(ctr_logs "$POD-consumer" | tail -n 2 | paste -sd' ' -)"
    return
  fi
  wait_exited 60 "$POD-producer" || return
  cp=$(ctr_exit_code "$POD-producer")
  plog=$(ctr_logs "$POD-producer")
  clog=$(ctr_logs "$POD-consumer")
  produced=$(sed -n 's/^Produced: //p' <<<"$plog")
  consumed=$(sed -n 's/^Consumed: //p' <<<"$clog")
  n=$(grep -c . <<<"$produced")
  if [ "$cp" != 0 ] || [ "$cc" != 0 ]; then
    fail "$label: producer exited $cp, consumer exited $cc (expected 0 and 0)"
  elif [ "$(tail -n 1 <<<"$produced")" != done ] || [ "$n" -lt 2 ]; then
    fail "$label: the producer did not send values and then done: $(paste -sd' ' <<<"$produced")"
  elif [ "$consumed" != "$produced" ]; then
    fail "$label: consumer logged [$(paste -sd' ' <<<"$consumed")], producer sent [$(paste -sd' ' <<<"$produced")]"
  elif ! wait_until 10 pod_is_exited "$POD"; then
    fail "$label: both containers exited 0 but the pod is '$(pod_state "$POD")', not Exited"
  else
    ok "$label: consumer logged all $n messages the producer sent, in order ($(head -n 2 <<<"$produced" | paste -sd' ' -) ... done); both exited 0; pod completed ($(pod_state "$POD"), a kubelet's Succeeded)"
  fi
}

case_mc2() {
  play mc2 "$DIST/mc2.k8s.yaml" "" || { finish; return; }
  check_ipc_success mc2
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

# Seconds (one decimal) between two podman timestamps.
secs_between() {
  local a b
  a=$(date -d "$(sed 's/ UTC$//' <<<"$1")" +%s.%N) && b=$(date -d "$(sed 's/ UTC$//' <<<"$2")" +%s.%N) &&
    awk -v a="$a" -v b="$b" 'BEGIN { d = b - a; if (d < 0) d = 0; printf "%.1f", d }'
}

# The start-up race: the producer creates its queue E2E_PRODUCER_DELAY s late. The library's
# ordering protection must save the consumer; without it the consumer must fail like in the book.
case_mc2_race() {
  race_protected
  race_unprotected
}

race_protected() {
  local label="mc2 (producer delayed ${E2E_PRODUCER_DELAY}s)" first
  play "$label" "$DIST/mc2.k8s.yaml" slow-producer || { finish; return; }
  check_ipc_success "$label"
  if [ "$E2E_CASE_FAILED" = 0 ]; then
    # How long the consumer container ran before the producer sent its first message.
    first=$(podman logs -t "$POD-producer" 2>&1 | awk '$2 == "Produced:" { print $1; exit }')
    if ! grep -q 'producer delayed' <<<"$(ctr_logs "$POD-producer")"; then
      fail "$label: the producer was not delayed: is the slow-producer stand-in in use?"
    else
      ok "$label: the consumer's wait protected it: it started $(secs_between "$(ctr_time "$POD-consumer" StartedAt)" "$first")s before the producer's first message and still got everything"
    fi
  fi
  finish
}

race_unprotected() {
  local label="mc2-unordered (producer delayed ${E2E_PRODUCER_DELAY}s, no ordering protection)"
  play "$label" "$DIST/mc2-unordered.k8s.yaml" slow-producer || { finish; return; }
  if wait_exited 30 "$POD-consumer"; then
    local cc clog
    cc=$(ctr_exit_code "$POD-consumer")
    clog=$(ctr_logs "$POD-consumer")
    local policy
    policy=$(node "$E2E_DIR/manifest.mjs" info "$PODFILE" | awk '$1 == "pod" { print $3 }')
    if [ "$policy" != Never ]; then
      fail "$label: restartPolicy is $policy, not Never: a kubelet would restart the consumer instead of failing the pod"
    elif [ "$cc" = 1 ] && grep -q 'Either the producer has not been started' <<<"$clog"; then
      ok "$label: fails as the book describes: consumer exited 1 after $(secs_between "$(ctr_time "$POD-consumer" StartedAt)" "$(ctr_time "$POD-consumer" FinishedAt)")s saying \"$(grep -o 'Either the producer has not been started[^(]*' <<<"$clog" | sed 's/ *$//')\"; with restartPolicy Never the pod is Failed"
    else
      fail "$label: expected the unprotected consumer to exit 1 with \"Either the producer has not been started...\", it exited $cc: $(tail -n 3 <<<"$clog" | paste -sd' ' -)"
    fi
  fi
  finish
}

case_shm_ipc() {
  play shm-ipc "$DIST/shm-ipc.k8s.yaml" "" || { finish; return; }
  if wait_exited 60 "$POD-writer" "$POD-reader"; then
    local cw cr wrote got
    cw=$(ctr_exit_code "$POD-writer")
    cr=$(ctr_exit_code "$POD-reader")
    wrote=$(ctr_logs "$POD-writer" | sed -n 's/^wrote: //p')
    got=$(ctr_logs "$POD-reader" | sed -n "s/^read: //p")
    if [ "$cw" != 0 ] || [ "$cr" != 0 ]; then
      fail "shm-ipc: writer exited $cw, reader exited $cr (expected 0 and 0)"
    elif [ -z "$wrote" ]; then
      fail "shm-ipc: the writer did not log 'wrote: <message>'"
    elif [ "$got" != "$wrote" ]; then
      fail "shm-ipc: reader read '$got', writer wrote '$wrote'"
    else
      ok "shm-ipc: reader read exactly what the writer wrote through POSIX shm /OS: '$got'; both exited 0"
    fi
  fi
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

fetched_ok() {
  FETCHER_LOG=$(ctr_logs "$1")
  grep -q '^HTTP 200$' <<<"$FETCHER_LOG" && grep -q 'Welcome to nginx!' <<<"$FETCHER_LOG"
}

case_localhost_sidecar() {
  play localhost-sidecar "$DIST/localhost-sidecar.k8s.yaml" "" || { finish; return; }
  if wait_until 40 fetched_ok "$POD-fetcher"; then
    ok "localhost-sidecar: fetcher (curl, uid $(podman exec "$POD-fetcher" id -u 2>/dev/null)) got HTTP 200 and the nginx page ('$(grep -o '<title>[^<]*</title>' <<<"$FETCHER_LOG" | head -n 1)') from http://localhost:80 ($(grep -c '^HTTP 200$' <<<"$FETCHER_LOG") fetches so far)"
  else
    fail "localhost-sidecar: timeout: after 40s the fetcher had not logged HTTP 200 with the nginx page: $(tail -n 3 <<<"$FETCHER_LOG" | paste -sd' ' -)"
  fi
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

# ---------------------------------------------------------------------------------------------

main() {
  local t0=$SECONDS cases=("$@") c
  [ ${#cases[@]} -gt 0 ] || cases=("${E2E_CASES[@]}")
  for c in "${cases[@]}"; do
    [[ " ${E2E_CASES[*]} " == *" $c "* ]] || {
      echo "unknown case '$c'; cases: ${E2E_CASES[*]}" >&2
      exit 2
    }
  done

  e2e_preflight
  mkdir -p "$E2E_STATE" "$E2E_CACHE" || e2e_cannot_run "cannot create $E2E_STATE"
  # One run at a time on a machine: runs share podman volume names.
  exec 9>"$E2E_STATE/lock"
  flock -w 600 9 || e2e_cannot_run "another e2e run holds $E2E_STATE/lock"
  rm -rf "$E2E_WORK" && mkdir -p "$E2E_WORK"

  e2e_setup
  trap teardown_all EXIT
  trap 'fail "interrupted during ${E2E_CASE:-set-up}"; teardown_all; summary; exit 130' INT TERM

  if [ "${E2E_SKIP_SYNTH:-}" != 1 ] && [ -z "${E2E_DIST:-}" ]; then
    local ts=$SECONDS
    info "npx cdk8s synth --no-check-upgrade"
    if ! (cd "$E2E_ROOT" && npx cdk8s synth --no-check-upgrade) >"$E2E_WORK/synth.log" 2>&1; then
      tail -n 30 "$E2E_WORK/synth.log"
      fail "synth: npx cdk8s synth --no-check-upgrade failed (log above)"
      summary
      exit 1
    fi
    info "synthesized in $((SECONDS - ts)) s"
  fi

  local ti=$SECONDS
  info "images: checking the stand-ins (test/e2e/images.sh)"
  if ! ensure_images; then
    fail "images: could not build the stand-in images (see above)"
    summary
    exit 1
  fi
  info "images ready in $((SECONDS - ti)) s ($E2E_IMAGES_BUILT built, the rest cached)"
  check_image_users

  for c in "${cases[@]}"; do
    "case_${c//-/_}"
  done

  # Charts nobody tests here.
  local f known="mc1 two-containers writer-reader mc2 mc2-unordered shm-ipc localhost-sidecar"
  for f in "$DIST"/*.k8s.yaml; do
    [ -e "$f" ] || continue
    f=$(basename "$f" .k8s.yaml)
    [[ " $known " == *" $f "* ]] || note "examples/dist/$f.k8s.yaml has no e2e case in test/e2e/run.sh"
  done

  # Hygiene: nothing of ours is left behind.
  teardown_all
  local left
  left=$(podman volume ls --filter label=e2e=1 --format '{{.Name}}' | paste -sd' ' -)
  for f in "${E2E_PODS[@]}"; do
    podman pod exists "${f%%|*}" && left+=" pod:${f%%|*}"
  done
  if [ -n "${left// /}" ]; then
    fail "cleanup: left behind: $left"
  else
    ok "cleanup: no pod, container or volume of the ${#E2E_PODS[@]} plays is left"
  fi
  info "e2e took $((SECONDS - t0)) s"
  summary
}

main "$@"
