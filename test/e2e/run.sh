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
E2E_CASES=(mc1 two-containers writer-reader mc2 mc2-race shm-ipc localhost-sidecar
  mc1-deployment writer-reader-job localhost-daemonset composed
  startup-order-compat job-log-shipper-compat localhost-client-compat)
# Native-sidecar forms: not played (podman runs an init container with restartPolicy Always as a
# plain, blocking init container); proved by schema and rules in test/examples.test.ts, and their
# -compat twins run here. See README.md.
E2E_NOT_PLAYED=(startup-order job-log-shipper localhost-client)
# One run at a time on this machine, whichever checkout it is started from: runs share podman's
# volume names, pod names and host ports (podman publishes containerPorts on the host).
E2E_LOCK=/run/lock/cdk8s-multicontainer-e2e.lock

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
  check_writer_reader writer-reader
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

# The writer-reader job: a Job's Pod, which must also complete. Played as the Pod the Job
# controller would create (podman cannot play a Job).
case_writer_reader_job() {
  play writer-reader-job "$DIST/writer-reader-job.k8s.yaml" "" || { finish; return; }
  check_writer_reader writer-reader-job
  if [ "$E2E_CASE_FAILED" = 0 ]; then
    if wait_until 10 pod_is_exited "$POD"; then
      ok "writer-reader-job: the Job's Pod completed ($(pod_state "$POD"), restartPolicy $(node "$E2E_DIR/manifest.mjs" info "$PODFILE" | awk '$1 == "pod" { print $3 }')): a Job controller counts it Succeeded"
    else
      fail "writer-reader-job: both containers exited 0 but the pod is '$(pod_state "$POD")', not Exited"
    fi
  fi
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

# The writer and the reader of $POD exited 0 and the reader printed what the writer wrote. $1 label.
check_writer_reader() {
  local label=$1
  if wait_exited 60 "$POD-writer" "$POD-reader"; then
    local cw cr said written mp writer_cmd
    cw=$(ctr_exit_code "$POD-writer")
    cr=$(ctr_exit_code "$POD-reader")
    said=$(ctr_logs "$POD-reader")
    mp=$(podman volume inspect --format '{{.Mountpoint}}' shared-data 2>/dev/null)
    written=$(cat "$mp/message.txt" 2>/dev/null)
    writer_cmd=$(node "$E2E_DIR/manifest.mjs" command "$PODFILE" writer)
    if [ "$cw" != 0 ] || [ "$cr" != 0 ]; then
      fail "$label: writer exited $cw, reader exited $cr (expected 0 and 0)"
    elif [ -z "$written" ] || [[ "$writer_cmd" != *"$written"* ]]; then
      fail "$label: message.txt in volume shared-data holds '$written', not a message from the writer's command"
    elif [ "$said" != "$written" ]; then
      fail "$label: reader printed '$said', the writer wrote '$written'"
    else
      ok "$label: reader printed the writer's message '$said' (message.txt in shared-data); both exited 0"
    fi
  fi
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
  check_localhost_fetch localhost-sidecar fetcher
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

# The DaemonSet's Pod (podman cannot play a DaemonSet: played as the Pod its controller would
# create on a node).
case_localhost_daemonset() {
  play localhost-daemonset "$DIST/localhost-daemonset.k8s.yaml" "" || { finish; return; }
  check_localhost_fetch localhost-daemonset fetcher
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

# The twin of the native-sidecar localhost-client: the client as a regular container.
case_localhost_client_compat() {
  play localhost-client-compat "$DIST/localhost-client-compat.k8s.yaml" "" || { finish; return; }
  check_localhost_fetch localhost-client-compat client
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}

# The client container $2 of $POD logged HTTP 200 with nginx's page from MAIN_URL. $1 label.
check_localhost_fetch() {
  local label=$1 client=$2
  if wait_until 40 fetched_ok "$POD-$client"; then
    ok "$label: $client (curl, uid $(podman exec "$POD-$client" id -u 2>/dev/null)) got HTTP 200 and the nginx page ('$(grep -o '<title>[^<]*</title>' <<<"$FETCHER_LOG" | head -n 1)') from http://localhost:80 ($(grep -c '^HTTP 200$' <<<"$FETCHER_LOG") fetches so far)"
  else
    fail "$label: timeout: after 40s $client had not logged HTTP 200 with the nginx page: $(tail -n 3 <<<"$FETCHER_LOG" | paste -sd' ' -)"
  fi
}

# A multi-replica Deployment's play made one pod per replica (PODS, from play).
one_pod_per_replica() {
  local replicas
  replicas=$(node "$E2E_DIR/manifest.mjs" replicas "$DIST/$1.k8s.yaml")
  if [ "${#PODS[@]}" = "$replicas" ] && [ "$replicas" -ge 2 ]; then
    ok "$1: podman kube play made one pod per replica (spec.replicas $replicas): ${PODS[*]}"
  else
    fail "$1: spec.replicas is $replicas, the play made ${#PODS[@]} pods: ${PODS[*]}"
  fi
}

# mc1 as a Deployment: every replica's nginx serves the lines its own writer appends (each line is
# `date` and the writer's hostname, which is its Pod's name).
case_mc1_deployment() {
  play mc1-deployment "$DIST/mc1-deployment.k8s.yaml" "" || { finish; return; }
  local p n1 n2 bad others
  one_pod_per_replica mc1-deployment
  for p in "${PODS[@]}"; do
    if ! wait_until 30 own_lines "$p-nginx" "$p" 2; then
      fail "mc1-deployment: timeout: after 30s nginx of $p answered HTTP '${HTTP:-none}' with $(own_count "$p") lines written by $p: ${PAGE:0:200}"
      continue
    fi
    n1=$(own_count "$p")
    sleep 3
    fetch "$p-nginx"
    n2=$(own_count "$p")
    bad=$(grep -cvE "${DATE_LINE%\$} mc1-deployment-pod-[0-9]+\$" <<<"$PAGE")
    others=$(grep -E "${DATE_LINE%\$} mc1-deployment-pod-[0-9]+\$" <<<"$PAGE" | grep -cv " $p\$")
    if [ "$HTTP" = 200 ] && [ "$n2" -gt "$n1" ] && [ "$bad" = 0 ]; then
      ok "mc1-deployment: replica $p: nginx served $n1 \`date\` lines its own writer ($p) appended, grew to $n2 after 3s (last: $(grep " $p\$" <<<"$PAGE" | tail -n 1))"
    else
      fail "mc1-deployment: replica $p: served $n1 lines of its writer, then HTTP $HTTP with $n2 and $bad lines that are not '<date> <pod>'"
    fi
    [ "$others" = 0 ] || note "mc1-deployment: replica $p also served $others lines of the other replica: podman 4.3.1 makes the emptyDir a named volume 'html' shared by the pods of the play (a kubelet gives each Pod its own); per-Pod isolation is not proved here"
    # The YAML mounts html read-only in nginx: prove it.
    local probe
    probe=$(podman exec "$p-nginx" touch /usr/share/nginx/html/e2e-probe 2>&1)
    if [ $? -ne 0 ] && grep -q 'Read-only file system' <<<"$probe"; then
      ok "mc1-deployment: replica $p: the html mount is read-only in nginx: \`touch\` said: $probe"
    else
      fail "mc1-deployment: replica $p: nginx mounts html readOnly, yet \`touch /usr/share/nginx/html/e2e-probe\` gave: ${probe:-success}"
    fi
  done
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}
own_count() { grep -cE "${DATE_LINE%\$} $1\$" <<<"$PAGE"; }
own_lines() {
  fetch "$1"
  [ "$HTTP" = 200 ] && [ "$(own_count "$2")" -ge "$3" ]
}

# Two patterns on one Deployment: in every replica the probe gets the page the puller wrote from
# nginx over localhost, and nginx serves it.
case_composed() {
  play composed "$DIST/composed.k8s.yaml" "" || { finish; return; }
  local p
  one_pod_per_replica composed
  for p in "${PODS[@]}"; do
    if wait_until 40 probe_got_page "$p-probe"; then
      ok "composed: replica $p: probe (curl -f, uid $(podman exec "$p-probe" id -u 2>/dev/null)) got a page a puller wrote, from web over \$MAIN_URL (http://localhost:80): '$(grep -E "$PULLED" <<<"$PROBE_LOG" | tail -n 1)'"
    else
      fail "composed: replica $p: timeout: after 40s the probe had not logged a page written by a puller: $(tail -n 3 <<<"$PROBE_LOG" | paste -sd' ' -)"
    fi
    # podman shares html between the replicas (one named volume): the other replicas' pullers are
    # paused meanwhile, so what this web serves next can only come from its own puller.
    local q others=()
    for q in "${PODS[@]}"; do [ "$q" = "$p" ] || others+=("$q-puller"); done
    if [ ${#others[@]} -gt 0 ] && ! podman pause "${others[@]}" >/dev/null 2>&1; then
      fail "composed: replica $p: could not pause the other replicas' pullers (${others[*]})"
    elif wait_until 15 serves_own_page "$p-web" "$p"; then
      local paused=""
      [ ${#others[@]} -eq 0 ] || paused=" (meanwhile paused: ${others[*]})"
      ok "composed: replica $p: web (nginx) serves the page its own puller wrote into html: '$PAGE'$paused"
    else
      fail "composed: replica $p: timeout: after 15s web had not served a page written by the puller of $p (last: HTTP '${HTTP:-none}' '${PAGE:0:200}')"
    fi
    [ ${#others[@]} -eq 0 ] || podman unpause "${others[@]}" >/dev/null 2>&1
  done
  [ "${#PODS[@]}" -lt 2 ] || note "composed: podman 4.3.1 shares the emptyDir 'html' between the replicas (one named volume; a kubelet gives each Pod its own): each replica's own page was checked with the other replicas' pullers paused"
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}
PULLED='^pulled at [A-Z][a-z]{2} [A-Z][a-z]{2} +[0-9]+ [0-9:]{8} [A-Z]+ [0-9]{4} by composed-pod-[0-9]+$'
probe_got_page() {
  PROBE_LOG=$(ctr_logs "$1")
  grep -qE "$PULLED" <<<"$PROBE_LOG"
}
serves_own_page() {
  fetch "$1"
  [ "$HTTP" = 200 ] && grep -qE "$PULLED" <<<"$PAGE" && [[ "$PAGE" == *" by $2" ]]
}

# Startup coordination without native sidecars: the app's command waits (the library's wait
# script) for the config the writer writes 3 s after it starts; the app prints it.
case_startup_order_compat() {
  play startup-order-compat "$DIST/startup-order-compat.k8s.yaml" "" || { finish; return; }
  local p=$POD applog mp written started line_at file_at
  if ! wait_until 40 app_started "$p-app"; then
    fail "startup-order-compat: timeout: after 40s the app had not logged 'app: started with ...': $(tail -n 3 <<<"$APP_LOG" | paste -sd' ' -)"
  else
    mp=$(podman volume inspect --format '{{.Mountpoint}}' config 2>/dev/null)
    written=$(cat "$mp/app.conf" 2>/dev/null)
    file_at=$(date -r "$mp/app.conf" +%s.%N 2>/dev/null)
    started=$(epoch "$(ctr_time "$p-app" StartedAt)")
    line_at=$(epoch "$(podman logs -t "$p-app" 2>&1 | awk '$2 == "app:" && $3 == "started" { print $1; exit }')")
    if [ "$(sed -n 's/^app: started with //p' <<<"$APP_LOG")" != "$written" ] || [ -z "$written" ]; then
      fail "startup-order-compat: the app started with '$(sed -n 's/^app: started with //p' <<<"$APP_LOG")', /config/app.conf holds '$written'"
    elif grep -q 'no /config/app.conf' <<<"$APP_LOG"; then
      fail "startup-order-compat: the app ran without its config: $APP_LOG"
    elif ! awk -v s="$started" -v f="$file_at" -v l="$line_at" 'BEGIN { exit !(s < f && f <= l) }'; then
      fail "startup-order-compat: expected app container start < config written <= app started; got $started, $file_at, $line_at"
    else
      ok "startup-order-compat: the app container started $(awk -v s="$started" -v f="$file_at" 'BEGIN { printf "%.1f", f - s }')s before config-writer wrote /config/app.conf, waited for it (the library's wait script), then started with '$written'"
    fi
    if [ "$(ctr_status "$p-app")" = running ] && [ "$(ctr_status "$p-config-writer")" = running ] && [ "$(podman inspect --format '{{.RestartCount}}' "$p-app")" = 0 ]; then
      ok "startup-order-compat: app and config-writer keep running, the app was never restarted"
    else
      fail "startup-order-compat: app is $(ctr_status "$p-app") (restarts $(podman inspect --format '{{.RestartCount}}' "$p-app")), config-writer is $(ctr_status "$p-config-writer")"
    fi
  fi
  counted node "$E2E_DIR/manifest.mjs" runtime "$PODFILE"
  finish
}
app_started() {
  APP_LOG=$(ctr_logs "$1")
  grep -q '^app: started with ' <<<"$APP_LOG"
}
# Seconds since the epoch of a podman timestamp.
epoch() { date -d "$(sed 's/ UTC$//' <<<"$1")" +%s.%N 2>/dev/null; }

# The Job's log shipper without native sidecars: the shipper ships every line and exits on the
# work container's done-marker, so the Job's Pod completes.
case_job_log_shipper_compat() {
  play job-log-shipper-compat "$DIST/job-log-shipper-compat.k8s.yaml" "" || { finish; return; }
  if wait_exited 60 "$POD-work" "$POD-shipper"; then
    local cw cs mp log shipped slog
    cw=$(ctr_exit_code "$POD-work")
    cs=$(ctr_exit_code "$POD-shipper")
    mp=$(podman volume inspect --format '{{.Mountpoint}}' logs 2>/dev/null)
    log=$(cat "$mp/app.log" 2>/dev/null)
    slog=$(ctr_logs "$POD-shipper")
    shipped=$(sed -n 's/^shipped: //p' <<<"$slog")
    if [ "$cw" != 0 ] || [ "$cs" != 0 ]; then
      fail "job-log-shipper-compat: work exited $cw, shipper exited $cs (expected 0 and 0)"
    elif [ "$(tail -n 1 <<<"$log")" != "work: done" ] || [ ! -e "$mp/done" ]; then
      fail "job-log-shipper-compat: app.log does not end with 'work: done' or the done-marker is missing: $(paste -sd'|' <<<"$log")"
    elif [ "$shipped" != "$log" ]; then
      fail "job-log-shipper-compat: the shipper shipped [$(paste -sd'|' <<<"$shipped")], app.log holds [$(paste -sd'|' <<<"$log")]"
    elif [ "$(tail -n 1 <<<"$slog")" != "shipper: work is done, exiting" ]; then
      fail "job-log-shipper-compat: the shipper did not stop on the done-marker: $(tail -n 2 <<<"$slog" | paste -sd' ' -)"
    elif ! wait_until 10 pod_is_exited "$POD"; then
      fail "job-log-shipper-compat: both containers exited 0 but the pod is '$(pod_state "$POD")', not Exited"
    else
      ok "job-log-shipper-compat: the shipper shipped all $(grep -c . <<<"$log") lines work wrote to /logs/app.log, in order ($(head -n 1 <<<"$shipped") ... $(tail -n 1 <<<"$shipped")), then exited on the done-marker; both exited 0; the Job's Pod completed ($(pod_state "$POD"))"
    fi
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
  # One run at a time on the machine (E2E_LOCK): runs share podman volume names, pod names and host ports.
  mkdir -p "$(dirname "$E2E_LOCK")" || e2e_cannot_run "cannot create $(dirname "$E2E_LOCK")"
  exec 9>"$E2E_LOCK"
  if ! flock -n 9; then
    info "another e2e run holds $E2E_LOCK: waiting for it (at most 900 s)"
    flock -w 900 9 || e2e_cannot_run "another e2e run still holds $E2E_LOCK after 900 s"
  fi
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

  # Charts nobody plays here.
  local f known="mc1 two-containers writer-reader mc2 mc2-unordered shm-ipc localhost-sidecar mc1-deployment writer-reader-job localhost-daemonset composed startup-order-compat job-log-shipper-compat localhost-client-compat"
  for f in "$DIST"/*.k8s.yaml; do
    [ -e "$f" ] || continue
    f=$(basename "$f" .k8s.yaml)
    if [[ " ${E2E_NOT_PLAYED[*]} " == *" $f "* ]]; then
      note "$f (native sidecars) is not played: podman 4.3.1 runs an init container with restartPolicy Always as a blocking init container, so it cannot show the start order; proved by the strict schema and the KEP-753 rules in test/examples.test.ts, and its twin $f-compat runs here"
    elif [[ " $known " != *" $f "* ]]; then
      note "examples/dist/$f.k8s.yaml has no e2e case in test/e2e/run.sh"
    fi
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
    ok "cleanup: no pod, container or volume of the ${#E2E_PODS[@]} pods played is left"
  fi
  info "e2e took $((SECONDS - t0)) s"
  summary
}

main "$@"
