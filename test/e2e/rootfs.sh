#!/usr/bin/env bash
# Builds the ONE Debian bookworm root filesystem that every Debian-based stand-in image shares
# (nginx, debian, python, curl, ch6_ipc). Usage: rootfs.sh DIR MIRROR
# The sha256 of this file is part of the rootfs image's cache key: edit it and the rootfs is rebuilt.
set -euo pipefail
dir=$1 mirror=$2
suite=bookworm
packages=nginx-light,curl,python3,procps

debootstrap --variant=minbase --include="$packages" "$suite" "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 || {
  tail -n 30 "$dir.debootstrap.log" >&2
  echo "debootstrap failed (full log: $dir.debootstrap.log)" >&2
  exit 1
}

# nginx:1.27 (official image): serves /usr/share/nginx/html on port 80 from conf.d/default.conf,
# logs to the container's stdout/stderr, ENTRYPOINT /docker-entrypoint.sh (see standins/).
rm -f "$dir/etc/nginx/sites-enabled/default"
cat >"$dir/etc/nginx/conf.d/default.conf" <<'NGINX'
server {
    listen       80;
    server_name  localhost;
    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
NGINX
ln -sf /dev/stdout "$dir/var/log/nginx/access.log"
ln -sf /dev/stderr "$dir/var/log/nginx/error.log"

# python:3.12-slim keeps its interpreter in /usr/local/bin as python3 and python.
ln -sf /usr/bin/python3 "$dir/usr/local/bin/python3"
ln -sf /usr/bin/python3 "$dir/usr/local/bin/python"

# curlimages/curl:8.11.1 runs as curl_user (uid 100) in group curl_group, home /home/curl_user.
if grep -q '^[^:]*:[^:]*:100:' "$dir/etc/passwd"; then
  echo "uid 100 is already taken in the rootfs: $(grep '^[^:]*:[^:]*:100:' "$dir/etc/passwd")" >&2
  exit 1
fi
grep -q '^curl_group:' "$dir/etc/group" || echo 'curl_group:x:101:' >>"$dir/etc/group"
echo 'curl_user:x:100:101:Linux User,,,:/home/curl_user:/sbin/nologin' >>"$dir/etc/passwd"
echo 'curl_user:!:19000:0:99999:7:::' >>"$dir/etc/shadow"
mkdir -p "$dir/home/curl_user"
chown 100:101 "$dir/home/curl_user"

# Smaller image, no stale state.
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/var/log/*.log \
  "$dir"/var/log/apt/* "$dir"/debootstrap
