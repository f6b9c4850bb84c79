#!/usr/bin/env bash
# Serve Pooling Lab to a class: N app processes (replicas) behind HAProxy, on one port.
#
#   bash deploy/serve.sh --replicas 2 --port 8500
#
# One Streamlit process runs every session in one Python process, so it uses
# about one core. This starts N of them on 127.0.0.1 and HAProxy in front on
# --port. HAProxy pins each browser to one replica with a cookie (not by IP:
# a school's NAT puts a whole class behind one address), proxies the
# websocket with long timeouts, and takes a replica that stops answering
# /_stcore/health out of the rotation. Ctrl-C stops everything it started.
#
# Options:
#   --replicas N          app processes (default 2; at least 1)
#   --port P              the port students open (default 8500)
#   --address A           where HAProxy listens (default 0.0.0.0: every interface, so a class can reach it)
#   --backend-port B      the first replica's port on 127.0.0.1 (default P + 1; the others follow)
#   --state-dir D         the generated config, cookie secret, pid files and logs (default deploy/run)
#   --print-config        print HAProxy's config for these options, start nothing
#
# Environment: PYTHON, the Python that has requirements.txt installed (default
# .venv/bin/python, else python3); POOLING_LAB_COOKIE_SECRET, the replicas'
# shared server.cookieSecret (default: made once and kept in the state dir).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

replicas=2
port=8500
address=0.0.0.0
backend_port=
state_dir=deploy/run
print_config=

die() { echo "serve.sh: $*" >&2; exit 2; }
whole() { [[ $2 =~ ^[0-9]+$ ]] || die "$1 ('$2') must be a whole number."; }

while [ $# -gt 0 ]; do
    case $1 in
        --replicas) [ $# -ge 2 ] || die "--replicas needs a number."; replicas=$2; shift 2 ;;
        --port) [ $# -ge 2 ] || die "--port needs a number."; port=$2; shift 2 ;;
        --address) [ $# -ge 2 ] || die "--address needs an address."; address=$2; shift 2 ;;
        --backend-port) [ $# -ge 2 ] || die "--backend-port needs a number."; backend_port=$2; shift 2 ;;
        --state-dir) [ $# -ge 2 ] || die "--state-dir needs a directory."; state_dir=$2; shift 2 ;;
        --print-config) print_config=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option '$1' (see --help)." ;;
    esac
done

whole --replicas "$replicas"
whole --port "$port"
replicas=$((10#$replicas)); port=$((10#$port))
[ "$replicas" -ge 1 ] || die "--replicas ($replicas) must be at least 1: nothing would serve the class."
[ -n "$backend_port" ] || backend_port=$((port + 1))
whole --backend-port "$backend_port"
backend_port=$((10#$backend_port))
last_port=$((backend_port + replicas - 1))
[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || die "--port ($port) must be between 1 and 65535."
[ "$backend_port" -ge 1 ] && [ "$last_port" -le 65535 ] \
    || die "the replicas' ports ($backend_port-$last_port) must lie between 1 and 65535."
if [ "$port" -ge "$backend_port" ] && [ "$port" -le "$last_port" ]; then
    die "--port ($port) falls among the replicas' ports ($backend_port-$last_port); choose another --backend-port."
fi

# ------------------------------------------------------------ the config

haproxy_config() {
    cat <<EOF
# HAProxy in front of Pooling Lab, written by deploy/serve.sh for $replicas replica(s).
# Students open port $port; each browser is pinned to one replica by a cookie.
# See "Serving a class" in the README. Edit serve.sh, not this file: it is rewritten on every start.

global
    log stdout format raw local0 info    # serve.sh keeps it in haproxy.log beside this file
    maxconn 4096

defaults
    mode http
    log global
    option httplog
    # A request whose connection fails, or whose kept-alive connection the replica closed just as it was
    # reused, is tried again on the same replica, and only the last of three tries goes to another: a
    # redispatched request gets a new cookie, which would send the student's next upload to a replica
    # that does not hold their session. A cookie naming a replica marked down is sent to a live one.
    retries 3
    option redispatch
    retry-on conn-failure empty-response
    timeout connect 5s
    timeout client 60s          # also the longest pause inside an upload
    timeout server 60s          # the longest a page may take to answer
    timeout http-request 15s
    timeout tunnel 4h           # an open websocket: a whole lecture (Streamlit pings it every 30 s)
    timeout client-fin 10s

frontend pooling_lab
    bind $address:$port
    default_backend replicas

backend replicas
    # A new browser goes to the replica with the fewest open connections: each open
    # tab holds a websocket, so that is the replica with the fewest students.
    balance leastconn
    # Sticky by cookie, never by address. The websocket and every upload (PUT
    # /_stcore/upload_file/<session>/...) must reach the replica that holds the session.
    cookie POOLING_LAB_REPLICA insert indirect nocache httponly
    # Streamlit answers "ok" on /_stcore/health; two failed checks take a replica out, two good ones bring it back.
    # A dead replica refuses the check's connection at once. A busy one is slow, not dead: its event loop can
    # wait a second or more behind a big photo's computation, so a check may take 10 s to answer before it
    # counts as failed. (Without this a check ends after "inter", 1 s: under load a replica was taken out and
    # its students were sent, mid-upload, to a replica that did not hold their session.)
    option httpchk GET /_stcore/health
    http-check expect status 200
    timeout check 10s
    default-server check inter 1s fall 2 rise 2 on-marked-down shutdown-sessions
    # Which replica answered, for whoever looks (the browser's network tab, the tests).
    http-response set-header X-Pooling-Lab-Replica %s
EOF
    for ((i = 1; i <= replicas; i++)); do
        printf '    server replica%d 127.0.0.1:%d cookie replica%d\n' "$i" $((backend_port + i - 1)) "$i"
    done
}

if [ -n "$print_config" ]; then
    haproxy_config
    exit 0
fi

# ------------------------------------------------------------ what it needs

if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
"$PYTHON" -c "import streamlit" 2>/dev/null \
    || die "$PYTHON has no Streamlit. Install the app first: python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"

if ! command -v haproxy >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's haproxy, the load balancer (apt-get)..."
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null
    else
        die "HAProxy is not installed and there is no root apt-get to install it. Install it (Debian/Ubuntu: sudo apt-get install haproxy)."
    fi
fi

# A port is busy when something already listens on it; say which, before starting anything.
port_busy() {
    "$PYTHON" - "$1" "$2" <<'EOF'
import socket, sys
with socket.socket() as sock:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((sys.argv[1], int(sys.argv[2])))
    except OSError:
        sys.exit(0)
sys.exit(1)
EOF
}
if port_busy "$address" "$port"; then
    die "port $port is in use on $address: another program (perhaps another serve.sh) listens there. Stop it, or choose another --port."
fi
for ((i = 0; i < replicas; i++)); do
    if port_busy 127.0.0.1 $((backend_port + i)); then
        die "port $((backend_port + i)) on 127.0.0.1, for replica $((i + 1)), is in use. Stop what listens there, or choose another --backend-port."
    fi
done

mkdir -p "$state_dir"
state_dir=$(cd "$state_dir" && pwd)

# Every replica signs cookies with the same secret, so that a cookie one replica set is good on another.
if [ -n "${POOLING_LAB_COOKIE_SECRET:-}" ]; then
    cookie_secret=$POOLING_LAB_COOKIE_SECRET
else
    if [ ! -s "$state_dir/cookie_secret" ]; then
        (umask 077 && "$PYTHON" -c "import secrets; print(secrets.token_hex(32))" >"$state_dir/cookie_secret")
    fi
    cookie_secret=$(cat "$state_dir/cookie_secret")
fi

config=$state_dir/haproxy.cfg
haproxy_config >"$config"
haproxy -c -q -f "$config" || die "HAProxy refused the config it was given ($config)."

# ------------------------------------------------------------ start, watch, stop

pids=()
names=()
stopping=

stop_all() {
    [ -z "$stopping" ] || return 0
    stopping=1
    trap - INT TERM
    echo "Stopping Pooling Lab..." >&2
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    # Streamlit and HAProxy stop within a second on TERM; anything still there after 10 s is killed.
    for _ in $(seq 100); do
        local alive=
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ -n "$alive" ] || break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -f "$state_dir"/*.pid
    echo "Stopped." >&2
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

# Each child runs in a session of its own (setsid), so Ctrl-C reaches this script alone, whose trap stops them all.
# Sent to the whole group, it also reached the replicas, which catch it and exit with status 0; bash then takes
# the signal as handled by the child it was waiting for and drops it, so the trap never ran (seen in CI).
for ((i = 1; i <= replicas; i++)); do
    replica_port=$((backend_port + i - 1))
    STREAMLIT_SERVER_COOKIE_SECRET=$cookie_secret setsid "$PYTHON" -m streamlit run "$root/app.py" \
        --server.port "$replica_port" --server.address 127.0.0.1 --server.headless true \
        >"$state_dir/replica$i.log" 2>&1 &
    pids+=($!); names+=("replica$i")
    echo $! >"$state_dir/replica$i.pid"
done

healthy() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$1/_stcore/health"; }
deadline=$((SECONDS + 90))
for ((i = 1; i <= replicas; i++)); do
    until healthy $((backend_port + i - 1)); do
        kill -0 "${pids[i - 1]}" 2>/dev/null \
            || { echo "serve.sh: replica $i exited while starting; its log:" >&2; cat "$state_dir/replica$i.log" >&2; exit 1; }
        [ "$SECONDS" -lt "$deadline" ] \
            || { echo "serve.sh: replica $i did not answer its health check within 90 s; see $state_dir/replica$i.log" >&2; exit 1; }
        sleep 0.2
    done
done

setsid haproxy -db -f "$config" >"$state_dir/haproxy.log" 2>&1 &
pids+=($!); names+=(haproxy)
echo $! >"$state_dir/haproxy.pid"
until curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$port/_stcore/health"; do
    kill -0 "${pids[-1]}" 2>/dev/null \
        || { echo "serve.sh: HAProxy exited while starting; its log:" >&2; cat "$state_dir/haproxy.log" >&2; exit 1; }
    [ "$SECONDS" -lt "$deadline" ] || { echo "serve.sh: HAProxy did not answer on port $port; see $state_dir/haproxy.log" >&2; exit 1; }
    sleep 0.2
done

if [ "$address" = 0.0.0.0 ]; then
    host=$(hostname -I 2>/dev/null | awk '{print $1}')
    echo "Pooling Lab: http://${host:-$(hostname)}:$port (and http://127.0.0.1:$port on this machine)"
else
    echo "Pooling Lab: http://$address:$port"
fi
echo "$replicas replica(s) on 127.0.0.1:$backend_port-$last_port behind HAProxy. Config, logs and pids: $state_dir"
echo "Press Ctrl-C to stop."

# A replica that dies is reported, and HAProxy's health check takes it out; the others go on serving. The loop
# checks once a second, waiting on a sleep of its own rather than on the children: Ctrl-C interrupts that sleep
# and the trap runs (waiting on the children with `wait -n`, bash held a Ctrl-C back until one of them exited).
live=$replicas
while :; do
    sleep 1 &
    wait $! || true
    gone=
    for i in "${!pids[@]}"; do
        ! kill -0 "${pids[i]}" 2>/dev/null || continue
        gone=1
        status=0
        wait "${pids[i]}" || status=$?
        if [ "${names[i]}" = haproxy ]; then
            echo "serve.sh: HAProxy exited (status $status); see $state_dir/haproxy.log. Stopping." >&2
            exit 1
        fi
        live=$((live - 1))
        echo "serve.sh: ${names[i]} exited (status $status); its students reconnect to the others ($live left)." >&2
        rm -f "$state_dir/${names[i]}.pid"
        unset 'pids[i]' 'names[i]'
    done
    [ -n "$gone" ] || continue
    pids=("${pids[@]}"); names=("${names[@]}")
    if [ "$live" -eq 0 ]; then
        echo "serve.sh: every replica has exited. Stopping." >&2
        exit 1
    fi
done
