#!/bin/sh
# A fleet of players polling one nginx: starts nginx on a free 127.0.0.1
# port with a temporary config serving the demo feed (gzip, ETag,
# Last-Modified as nginx does for static files), runs bench_fetch (the
# player's own fetch code: PLAYERS threads x POLLS conditional GETs), then
# reads nginx's access log for what the server saw, and stops nginx.
#
#   tests/bench/fleet.sh [BUILD_DIR=build] [PLAYERS=200] [POLLS=20] [fresh]
#
# Needs nginx (Debian's nginx-light) and a built bench_fetch.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
players=${2:-200}
polls=${3:-20}
fresh=${4:-}
bench="$build/bench_fetch"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$bench" ] || { echo "fleet.sh: $bench not built" >&2; exit 1; }
# 77: skipped, for CTest (tests/fleet.cmake).
[ -x "$nginx" ] || { echo "fleet.sh: skipped: nginx not installed (apt-get install nginx-light)"; exit 77; }

tmp=$(mktemp -d /tmp/fleet.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$tmp/www" "$tmp/logs"
cp "$here/config/demo-feed.json" "$tmp/www/feed.json"
user=""
[ "$(id -u)" -eq 0 ] && user="user root;"
cat >"$tmp/nginx.conf" <<EOF
$user
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
events { worker_connections 4096; }
http {
    types { application/feed+json json; }
    log_format fleet '\$status \$bytes_sent \$request_length';
    access_log $tmp/logs/access.log fleet;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    keepalive_requests 1000000;
    gzip on;
    gzip_types application/feed+json;
    server {
        listen 127.0.0.1:$port;
        root $tmp/www;
    }
}
EOF

stop() {
    [ -f "$tmp/nginx.pid" ] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
    sleep 0.2
    rm -rf "$tmp"
}
trap stop EXIT INT TERM

"$nginx" -p "$tmp" -e "$tmp/logs/error.log" -c "$tmp/nginx.conf"
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -f "$tmp/nginx.pid" ] && break
    sleep 0.1
done

echo "nginx $("$nginx" -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$port, feed $(wc -c <"$tmp/www/feed.json") bytes"
no_proxy=127.0.0.1 NO_PROXY=127.0.0.1 timeout 300 "$bench" "http://127.0.0.1:$port/feed.json" "$players" "$polls" $fresh
rc=$?
sleep 0.2 # nginx writes its log lines as requests end
awk '
    { n[$1]++; bytes[$1] += $2; req[$1] += $3 }
    END {
        for (s in n)
            printf "nginx saw %d x %s: %.0f bytes sent per response, %.0f bytes per request\n",
                   n[s], s, bytes[s] / n[s], req[s] / n[s]
    }' "$tmp/logs/access.log"
exit $rc
