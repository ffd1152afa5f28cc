// Child process of crash.test.ts: writes to a SqliteStore as fast as it can, several chains of
// writes in flight at once, and reports each acknowledged write on stdout as
// `<op> <name> <resourceVersion>`. The parent kills it with SIGKILL at a moment of its choosing.
//
// Usage: node crash-writer.ts <db> <first index> <count> <chains>

import { createLogger } from '../../util/log.ts'
import { SqliteStore } from '../sqlite-store.ts'
import { crashPlan, crashPod } from './crash-plan.ts'

const [path, firstArg, countArg, chainsArg] = process.argv.slice(2)
if (!path || !firstArg || !countArg || !chainsArg) throw new Error('usage: crash-writer.ts <db> <first> <count> <chains>')
const first = Number(firstArg)
const count = Number(countArg)
const chains = Number(chainsArg)

const store = new SqliteStore(path, { log: createLogger({}, () => {}) })

function ack(op: string, name: string, resourceVersion: string | undefined): void {
  // stdout is a pipe: on Linux that write is synchronous, so the line has left before the next write.
  process.stdout.write(`${op} ${name} ${resourceVersion}\n`)
}

async function chain(offset: number): Promise<void> {
  for (let i = first + offset; i < first + count; i += chains) {
    const key = { resource: 'pods', namespace: 'default', name: `pod-${i}` }
    for (const op of crashPlan(i)) {
      if (op === 'create') ack(op, key.name, (await store.create('pods', crashPod(i, 'created'))).metadata.resourceVersion)
      if (op === 'update') {
        const updated = await store.guaranteedUpdate(key, (pod) => ({ ...pod, status: { ...(pod.status as object), step: 'updated' } }))
        ack(op, key.name, updated.metadata.resourceVersion)
      }
      if (op === 'delete') ack(op, key.name, (await store.delete(key)).metadata.resourceVersion)
    }
  }
}

await Promise.all(Array.from({ length: chains }, (_, offset) => chain(offset)))
process.stdout.write('done\n')
// Stay alive (still holding the database) until killed, like a control plane would.
setInterval(() => {}, 1000)
