// Clerk's official Node SDK making the same update as libclerk, timed, for tests/bench
// (see BENCHMARKS.md). run.sh copies this file beside the SDK it installs under
// target/bench/node, so that `@clerk/backend` resolves from there.
//
//   node bench.mjs URL USER_ID MODE WARMUP CALLS REPS MAX_MS
//
// MODE "plain" sends the four fields every client sends; "metadata" adds publicMetadata,
// which SDK 3.x sends as a second request (PUT /v1/users/{id}/metadata). The secret key
// comes from $CLERK_SECRET_KEY. Prints one line per repetition:
//   rep calls=N elapsed_ns=N p50_ns=N p99_ns=N

import { createClerkClient } from '@clerk/backend';

const [url, userId, mode, ...counts] = process.argv.slice(2);
const [warmup, calls, reps, maxMs] = counts.map((n) => Number.parseInt(n, 10));
if (!url || !userId || !['plain', 'metadata'].includes(mode) || counts.length !== 4 ||
    [warmup, calls, reps, maxMs].some((n) => !Number.isInteger(n) || n < 0) || calls < 1) {
  console.error('usage: node bench.mjs URL USER_ID plain|metadata WARMUP CALLS REPS MAX_MS');
  process.exit(2);
}

const clerk = createClerkClient({ secretKey: process.env.CLERK_SECRET_KEY, apiUrl: url });
const params = {
  firstName: 'John',
  lastName: 'Wick',
  username: 'john_wick',
  externalId: 'ext-4242',
};
if (mode === 'metadata') {
  params.publicMetadata = { plan: 'pro' };
}

// One update; a failure ends the run, as a failed call must not be timed.
async function update() {
  const user = await clerk.users.updateUser(userId, params);
  if (user.id === undefined || user.firstName !== 'John') {
    throw new Error(`unexpected answer: ${JSON.stringify(user).slice(0, 200)}`);
  }
}

// The nearest-rank percentile p (0 to 1) of sorted values, as the Rust side computes it.
function percentile(sorted, p) {
  const rank = Math.min(Math.max(Math.ceil(p * sorted.length), 1), sorted.length);
  return sorted[rank - 1];
}

try {
  for (let i = 0; i < warmup; i++) {
    await update();
  }
  const limit = BigInt(maxMs) * 1_000_000n;
  for (let rep = 0; rep < reps; rep++) {
    const latencies = new BigUint64Array(calls);
    let done = 0;
    const start = process.hrtime.bigint();
    while (done < calls) {
      const before = process.hrtime.bigint();
      await update();
      const after = process.hrtime.bigint();
      latencies[done++] = after - before;
      if (after - start > limit) {
        break;
      }
    }
    const elapsed = process.hrtime.bigint() - start;
    const sorted = latencies.subarray(0, done).sort();
    console.log(`rep calls=${done} elapsed_ns=${elapsed} p50_ns=${percentile(sorted, 0.5)} ` +
      `p99_ns=${percentile(sorted, 0.99)}`);
  }
} catch (error) {
  console.error(`bench.mjs: ${error?.stack ?? error}`);
  if (error?.errors) {
    console.error(JSON.stringify(error.errors));
  }
  process.exit(1);
}
