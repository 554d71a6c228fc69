#!/usr/bin/env bash
# Runs libclerk's benchmarks (see BENCHMARKS.md): builds the runner and the C program in
# release mode, installs Clerk's Node SDK under target/bench/node where Node is present,
# runs everything against a loopback server, prints the table and writes it to
# target/bench/results.md. `make bench` calls this; extra arguments go to the runner
# (`--quick` for a short smoke run).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
release="$root/target/release"
out="$root/target/bench"
mkdir -p "$out"

echo "run.sh: building libclerk and the benchmark runner (release)"
cargo build --release -p libclerk -p clerk-bench

# The shared library's soname is libclerk.so.0.1; programs linked against it look for
# that name, which cargo does not create.
if [ ! -e "$release/libclerk.so.0.1" ]; then
    ln -s libclerk.so "$release/libclerk.so.0.1"
fi

echo "run.sh: building the C benchmark program"
cc -O2 -std=c99 -Wall -Wextra -Werror -I"$root/include" \
    "$root/tests/bench/c/update_bench.c" \
    -L"$release" -Wl,-rpath,"$release" -lclerk -o "$out/update_bench"

# Clerk's Node SDK, when Node is installed: package.json and the script are copied beside
# the node_modules npm makes, so the script resolves @clerk/backend from there.
node_args=()
node_dir="$out/node"
if ! node_version="$(node --version 2>/dev/null)"; then
    node_args=(--skip-node "node is not installed")
elif ! command -v npm >/dev/null 2>&1; then
    node_args=(--skip-node "npm is not installed (node $node_version is)")
else
    mkdir -p "$node_dir"
    cp "$root/tests/bench/node/package.json" "$root/tests/bench/node/bench.mjs" "$node_dir/"
    wanted="$(sed -n 's/.*"@clerk\/backend": *"\([^"]*\)".*/\1/p' "$node_dir/package.json")"
    installed="$(sed -n 's/^  "version": *"\([^"]*\)".*/\1/p' \
        "$node_dir/node_modules/@clerk/backend/package.json" 2>/dev/null || true)"
    if [ "$installed" != "$wanted" ]; then
        echo "run.sh: installing @clerk/backend $wanted with npm into $node_dir"
        if ! (cd "$node_dir" && timeout 300 npm install --no-package-lock --no-audit \
                --no-fund --loglevel=error); then
            node_args=(--skip-node "npm install of @clerk/backend $wanted failed")
        fi
    fi
    if [ ${#node_args[@]} -eq 0 ]; then
        node_args=(--node-script "$node_dir/bench.mjs")
    fi
fi

echo "run.sh: running the benchmarks"
"$release/clerk-bench" \
    --c-program "$out/update_bench" \
    "${node_args[@]}" \
    --library "$release/libclerk.so" \
    --out "$out/results.md" \
    "$@"
