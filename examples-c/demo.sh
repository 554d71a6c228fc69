#!/usr/bin/env bash
# The demo behind `make demo`: starts the stand-in on a free loopback port, updates its
# seeded user through the C example, prints the user, and stops the stand-in.
#
#   examples-c/demo.sh STAND_IN_BINARY UPDATE_USER_BINARY
set -euo pipefail

stand_in=${1:?usage: demo.sh STAND_IN_BINARY UPDATE_USER_BINARY}
update_user=${2:?usage: demo.sh STAND_IN_BINARY UPDATE_USER_BINARY}
user_id=user_2xStandInSeedUser0000001
params='{"first_name":"John","lastName":"Wick","publicMetadata":{"role":"assassin"}}'

port_file=$(mktemp)
"$stand_in" --port-file "$port_file" >/dev/null &
pid=$!
cleanup() {
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    rm -f "$port_file"
}
trap cleanup EXIT

# The stand-in writes the file once it listens; give it at most ten seconds.
for _ in $(seq 100); do
    [ -s "$port_file" ] && break
    kill -0 "$pid" 2>/dev/null || { echo "demo: the stand-in did not start" >&2; exit 1; }
    sleep 0.1
done
[ -s "$port_file" ] || { echo "demo: the stand-in did not report its port" >&2; exit 1; }

export CLERK_API_URL="http://127.0.0.1:$(cat "$port_file")"
export CLERK_SECRET_KEY=sk_test_standin_0123456789abcdef
echo "stand-in listening on $CLERK_API_URL"
echo "\$ update_user $user_id '$params'"
# The example prints the user as one line of JSON; indent it when python3 is at hand.
if command -v python3 >/dev/null 2>&1; then
    "$update_user" "$user_id" "$params" | python3 -m json.tool
else
    "$update_user" "$user_id" "$params"
fi
