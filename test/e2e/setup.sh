# shellcheck shell=bash
# Preflight and machine set-up for the e2e suite. Sourced by run.sh (needs lib.sh).
# - needs root (rootful podman; CI runs as root) and podman;
# - installs what is missing with apt-get (E2E_NO_INSTALL=1 forbids it);
# - writes a private containers.conf (nothing in /etc changes) and exports CONTAINERS_CONF.

E2E_APT_PACKAGES="podman runc busybox-static debootstrap gcc libc6-dev"

# Prints why this machine cannot run the suite, and returns non-zero. In CI (CI=true) that is a
# failure of the build; elsewhere it is a clear "cannot run here" (also non-zero).
e2e_cannot_run() {
  echo "e2e: cannot run here: $*" >&2
  echo "e2e: this suite plays every example Pod with rootful podman. It needs: Linux, root, apt-get" >&2
  echo "e2e: (Debian 12 or similar) and the packages: $E2E_APT_PACKAGES (installed automatically when run as root)." >&2
  echo "e2e: Run it as root, e.g.: sudo npm run test:e2e" >&2
  if [ "${CI:-}" = true ]; then
    echo "e2e: CI=true: a CI machine that cannot run the e2e suite is a failure, not a skip." >&2
  fi
  echo "e2e: 0 passed, 1 failed"
  exit 2
}

missing_packages() {
  local missing=""
  command -v podman >/dev/null || missing+=" podman"
  command -v runc >/dev/null || missing+=" runc"
  # busybox must be the static build: it is copied into an image without a libc.
  dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' || missing+=" busybox-static"
  command -v debootstrap >/dev/null || missing+=" debootstrap"
  command -v gcc >/dev/null || missing+=" gcc"
  dpkg-query -W -f '${Status}' libc6-dev 2>/dev/null | grep -q 'install ok installed' || missing+=" libc6-dev"
  echo "${missing# }"
}

# Before anything touches the disk: Linux and root.
e2e_preflight() {
  [ "$(uname -s)" = Linux ] || e2e_cannot_run "not Linux ($(uname -s))"
  [ "$(id -u)" = 0 ] || e2e_cannot_run "not root (uid $(id -u))"
}

e2e_setup() {
  local missing
  missing=$(missing_packages)
  if [ -n "$missing" ]; then
    if [ "${E2E_NO_INSTALL:-}" = 1 ]; then
      e2e_cannot_run "missing packages: $missing (E2E_NO_INSTALL=1 forbids installing them)"
    fi
    command -v apt-get >/dev/null || e2e_cannot_run "missing packages: $missing, and no apt-get to install them"
    info "installing $missing with apt-get"
    local t0=$SECONDS
    if ! { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $E2E_APT_PACKAGES; } >"$E2E_WORK/apt.log" 2>&1; then
      tail -n 20 "$E2E_WORK/apt.log" >&2
      e2e_cannot_run "apt-get install $E2E_APT_PACKAGES failed (log above)"
    fi
    info "installed in $((SECONDS - t0)) s"
    missing=$(missing_packages)
    [ -z "$missing" ] || e2e_cannot_run "still missing after apt-get install: $missing"
  fi

  # Rootful podman's defaults fail on these machines (crun cannot set rlimits, hybrid cgroups):
  # runc, cgroupfs, file events, and ulimits no higher than the hard limits we have.
  local nofile nproc
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  [ "$nofile" = unlimited ] && nofile=1048576
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
  export CONTAINERS_CONF="$E2E_STATE/containers.conf"
  cat >"$CONTAINERS_CONF" <<EOF
# Written by test/e2e/setup.sh for the e2e suite only.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  local err
  if ! err=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1); then
    e2e_cannot_run "podman does not work: $err"
  fi
}
