// Slow-start batches, as controller.slowStartBatch: run `count` calls in batches of 1, 2, 4, …
// all calls of a batch in parallel; stop after the first batch with a failure, so a quota or a
// bad template costs one failed call, not hundreds. Returns how many succeeded and the first error.

export async function slowStartBatch(count: number, initialBatch: number, call: () => Promise<void>): Promise<{ succeeded: number; error?: unknown }> {
  let remaining = count
  let succeeded = 0
  for (let batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => call()))
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    succeeded += results.length - results.filter((r) => r.status === 'rejected').length
    remaining -= batch
    if (failed) return { succeeded, error: failed.reason }
  }
  return { succeeded }
}
