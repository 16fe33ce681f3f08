# shellcheck shell=bash
# The e2e suite's image mapping, in ONE place, and how each local stand-in image is built.
# Sourced by run.sh (needs lib.sh). No container registry is reachable, so every image the
# examples name is replaced by a local stand-in built from Debian packages. The test rewrites
# ONLY `image` and `imagePullPolicy` (to Never) in the synthesized YAML: see manifest.mjs.

# --- The mapping ---------------------------------------------------------------------------------
# upstream image as written in the YAML (normalized: no docker.io/, no library/, with a tag)
#   | local stand-in
#   | default user of the REAL image (its Config.User; "" = root); each stand-in must have the same
#   | what the stand-in has for the example's purpose
E2E_IMAGE_MAP=(
  "nginx:1.27|localhost/e2e/nginx:1.27||nginx serving /usr/share/nginx/html on port 80, curl"
  "debian:bookworm-slim|localhost/e2e/debian:bookworm-slim||Debian bookworm: sh, date, coreutils"
  "busybox:1.36|localhost/e2e/busybox:1.36||busybox-static applets in /bin"
  "allingeek/ch6_ipc:latest|localhost/e2e/ch6_ipc:latest||/ipc (POSIX mq producer/consumer, standins/ipc.c), /bin/sh, WORKDIR /, ENTRYPOINT ./ipc"
  "python:3.12-slim|localhost/e2e/python:3.12-slim||python3 (Debian's 3.11) with multiprocessing.shared_memory"
  "curlimages/curl:8.11.1|localhost/e2e/curl:8.11.1|curl_user|curl; curl_user is uid 100"
)

# Variant mappings: the same upstream name mapped to another stand-in for one scenario.
# slow-producer: /ipc sleeps E2E_PRODUCER_DELAY s in the producer role, then runs the real /ipc.
E2E_PRODUCER_DELAY=4
E2E_VARIANT_SLOW_PRODUCER=(
  "allingeek/ch6_ipc:latest|localhost/e2e/ch6_ipc-slow-producer:latest"
)

# --- How the stand-ins are built ------------------------------------------------------------------
# Every stand-in is a `podman build --pull=never` of a Containerfile, labelled e2e.inputs=<sha256 of
# the Containerfile and every file it copies>. A stand-in whose label matches is not rebuilt.
# The Debian-based ones share ONE debootstrap rootfs (nginx-light, curl, python3, procps; see
# rootfs.sh), imported once as localhost/e2e/bookworm-rootfs:<sha of rootfs.sh>.

E2E_ROOTFS_REPO=localhost/e2e/bookworm-rootfs
E2E_IMAGES_BUILT=0

# standin_recipe NAME: prints the Containerfile (FROM ... without the LABEL line) of stand-in NAME.
# Files named in COPY/ADD come from test/e2e/standins/, or from the build dir (ipc, busybox-rootfs.tar).
standin_recipe() {
  local rootfs=$1 name=$2
  case $name in
  localhost/e2e/nginx:1.27)
    cat <<EOF
FROM $rootfs
COPY nginx-entrypoint.sh /docker-entrypoint.sh
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EXPOSE 80
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
EOF
    ;;
  localhost/e2e/debian:bookworm-slim)
    cat <<EOF
FROM $rootfs
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["bash"]
EOF
    ;;
  localhost/e2e/python:3.12-slim)
    cat <<EOF
FROM $rootfs
ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
ENV LANG=C.UTF-8
CMD ["python3"]
EOF
    ;;
  localhost/e2e/curl:8.11.1)
    cat <<EOF
FROM $rootfs
COPY curl-entrypoint.sh /entrypoint.sh
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER curl_user
WORKDIR /home/curl_user
ENTRYPOINT ["/entrypoint.sh"]
CMD ["curl"]
EOF
    ;;
  localhost/e2e/ch6_ipc:latest)
    cat <<EOF
FROM $rootfs
COPY ipc /ipc
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /
ENTRYPOINT ["./ipc"]
EOF
    ;;
  localhost/e2e/ch6_ipc-slow-producer:latest)
    cat <<EOF
FROM $rootfs
COPY ipc /ipc.real
COPY ipc-slow-producer.sh /ipc
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV E2E_PRODUCER_DELAY=$E2E_PRODUCER_DELAY
WORKDIR /
ENTRYPOINT ["./ipc"]
EOF
    ;;
  localhost/e2e/busybox:1.36)
    cat <<EOF
FROM scratch
ADD busybox-rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CMD ["sh"]
EOF
    ;;
  *) return 1 ;;
  esac
}

# The files a recipe copies (COPY/ADD sources), one per line.
recipe_files() { awk '$1 == "COPY" || $1 == "ADD" { print $2 }'; }

image_label() { podman image inspect --format '{{index .Config.Labels "e2e.inputs"}}' "$1" 2>/dev/null; }

# busybox-static with one symlink per applet, /etc/passwd like the busybox image, /tmp.
make_busybox_rootfs_tar() {
  local out=$1 dir
  dir=$(mktemp -d "$E2E_CACHE/busybox-rootfs.XXXXXX")
  mkdir -p "$dir/bin" "$dir/etc" "$dir/root" "$dir/home" "$dir/var/www" "$dir/usr/bin" "$dir/usr/sbin" "$dir/sbin"
  install -m 0755 "$(command -v busybox)" "$dir/bin/busybox"
  local applet
  for applet in $("$dir/bin/busybox" --list); do
    [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
  done
  install -d -m 1777 "$dir/tmp"
  cat >"$dir/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
  cat >"$dir/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
mail:x:8:
www-data:x:33:
operator:x:37:
users:x:100:
nogroup:x:65534:
EOF
  tar --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 -C "$dir" -cf "$out" .
  rm -rf "$dir"
}

# Builds (or reuses) the Debian rootfs image; sets E2E_ROOTFS_REF.
ensure_rootfs_image() {
  local key ref
  key=$(sha256sum <"$E2E_DIR/rootfs.sh" | cut -c1-64)
  ref="$E2E_ROOTFS_REPO:${key:0:12}"
  E2E_ROOTFS_REF=$ref
  if [ "${E2E_REBUILD:-}" != 1 ] && [ "$(image_label "$ref")" = "$key" ]; then
    return 0
  fi
  local mirror dir t0=$SECONDS
  mirror=$(debian_mirror)
  dir="$E2E_CACHE/rootfs-${key:0:12}"
  info "building the Debian rootfs (debootstrap from $mirror, about a minute)"
  rm -rf "$dir" "$dir.debootstrap.log"
  bash "$E2E_DIR/rootfs.sh" "$dir" "$mirror" || return 1
  rm -rf "$dir"/usr/share/doc/* "$dir"/usr/share/man/* "$dir"/usr/share/locale/* "$dir"/usr/share/info/*
  tar --numeric-owner -C "$dir" -c . | podman import --change "LABEL e2e.inputs=$key" - "$ref" >/dev/null || {
    echo "podman import of the rootfs failed" >&2
    return 1
  }
  rm -rf "$dir" "$dir.debootstrap.log"
  # Older rootfs versions are no longer referenced by any stand-in once they are rebuilt.
  E2E_OLD_ROOTFS=$(podman images --format '{{.Repository}}:{{.Tag}}' | grep "^$E2E_ROOTFS_REPO:" | grep -vx "$ref" || true)
  info "rootfs $ref built in $((SECONDS - t0)) s"
  E2E_IMAGES_BUILT=$((E2E_IMAGES_BUILT + 1))
}

# The Debian mirror: $E2E_DEBIAN_MIRROR, else the first deb.debian.org-style URI apt uses.
debian_mirror() {
  if [ -n "${E2E_DEBIAN_MIRROR:-}" ]; then
    echo "$E2E_DEBIAN_MIRROR"
    return
  fi
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v -- '-security' | grep '/debian/\?$' | head -n1)
  [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' | grep '/debian/\?$' | head -n1)
  echo "${uri:-http://deb.debian.org/debian}"
}

# Builds one stand-in if its inputs changed. $1 rootfs ref, $2 stand-in name.
ensure_standin() {
  local rootfs=$1 name=$2 recipe ctx key f
  recipe=$(standin_recipe "$rootfs" "$name") || {
    echo "no recipe for stand-in $name in test/e2e/images.sh" >&2
    return 1
  }
  ctx="$E2E_CACHE/ctx"
  rm -rf "$ctx" && mkdir -p "$ctx"
  for f in $(recipe_files <<<"$recipe"); do
    case $f in
    ipc) ensure_ipc_binary "$ctx/ipc" || return 1 ;;
    busybox-rootfs.tar) make_busybox_rootfs_tar "$ctx/busybox-rootfs.tar" || return 1 ;;
    *) install -m 0755 "$E2E_DIR/standins/$f" "$ctx/$f" || return 1 ;;
    esac
  done
  # Key: the recipe text and the content of every file it copies (tar output is reproducible).
  key=$({
    printf '%s\n' "$recipe"
    for f in $(recipe_files <<<"$recipe"); do sha256sum <"$ctx/$f"; done
  } | sha256sum | cut -c1-64)
  if [ "${E2E_REBUILD:-}" != 1 ] && [ "$(image_label "$name")" = "$key" ]; then
    return 0
  fi
  printf '%s\nLABEL e2e.inputs=%s\n' "$recipe" "$key" >"$ctx/Containerfile"
  local old_id
  old_id=$(podman image inspect --format '{{.Id}}' "$name" 2>/dev/null)
  podman build --pull=never --layers=false --quiet -t "$name" -f "$ctx/Containerfile" "$ctx" >/dev/null 2>"$ctx/build.log" || {
    cat "$ctx/build.log" >&2
    echo "podman build of $name failed" >&2
    return 1
  }
  # The version it replaces is now untagged: remove it (only ours, never a general prune).
  if [ -n "$old_id" ] && [ "$old_id" != "$(podman image inspect --format '{{.Id}}' "$name" 2>/dev/null)" ]; then
    podman rmi "$old_id" >/dev/null 2>&1 || true
  fi
  info "built $name"
  E2E_IMAGES_BUILT=$((E2E_IMAGES_BUILT + 1))
}

# The stand-in ipc program, compiled statically (cached by the sha256 of ipc.c).
ensure_ipc_binary() {
  local out=$1 key bin
  key=$(sha256sum <"$E2E_DIR/standins/ipc.c" | cut -c1-16)
  bin="$E2E_CACHE/ipc-$key"
  if [ ! -x "$bin" ]; then
    gcc -static -O2 -Wall -o "$bin.tmp" "$E2E_DIR/standins/ipc.c" && mv "$bin.tmp" "$bin" || {
      echo "compiling test/e2e/standins/ipc.c failed (needs gcc and libc6-dev)" >&2
      return 1
    }
  fi
  install -m 0755 "$bin" "$out"
}

# Builds every stand-in named in the mappings. Returns non-zero on the first failure.
ensure_images() {
  local entry name
  ensure_rootfs_image || return 1
  for entry in "${E2E_IMAGE_MAP[@]}" "${E2E_VARIANT_SLOW_PRODUCER[@]}"; do
    name=$(cut -d'|' -f2 <<<"$entry")
    ensure_standin "$E2E_ROOTFS_REF" "$name" || return 1
  done
  rm -rf "$E2E_CACHE/ctx"
  if [ -n "${E2E_OLD_ROOTFS:-}" ]; then
    # shellcheck disable=SC2086
    podman rmi $E2E_OLD_ROOTFS >/dev/null 2>&1 || true
  fi
}

# Writes the mapping used for one play as "upstream|stand-in" lines. $1 = "" or slow-producer.
write_image_map() {
  local variant=$1 out=$2 entry
  : >"$out"
  if [ "$variant" = slow-producer ]; then
    for entry in "${E2E_VARIANT_SLOW_PRODUCER[@]}"; do echo "$entry" >>"$out"; done
  fi
  # First match wins in manifest.mjs, so the variant entries above take precedence.
  for entry in "${E2E_IMAGE_MAP[@]}"; do cut -d'|' -f1,2 <<<"$entry" >>"$out"; done
}

# Checks that each stand-in's default user equals the real image's (one assertion line).
check_image_users() {
  local entry up name want got bad=""
  for entry in "${E2E_IMAGE_MAP[@]}"; do
    IFS='|' read -r up name want _ <<<"$entry"
    got=$(podman image inspect --format '{{.Config.User}}' "$name" 2>/dev/null)
    [ "$got" = "$want" ] || bad+=" $name has user '${got}' but $up has '${want}';"
  done
  if [ -n "$bad" ]; then
    fail "images: stand-in default user differs from the real image:$bad"
  else
    ok "images: ${#E2E_IMAGE_MAP[@]} stand-ins have the real images' default users ($(for entry in "${E2E_IMAGE_MAP[@]}"; do
      IFS='|' read -r up name want _ <<<"$entry"
      printf '%s=%s ' "$up" "${want:-root}"
    done | sed 's/ $//'))"
  fi
}
