// `npm run lab:up | lab:down | lab:status | lab:fault -- NODE ACTION`

import { existsSync, readFileSync } from 'node:fs'
import { planNode, settingsFromEnv } from './config.ts'
import { labDown } from './down.ts'
import { FAULT_ACTIONS, injectFault, isFaultAction } from './faults.ts'
import { labFilePath, type LabFile } from './lab-file.ts'
import { assertLabHost } from './tools.ts'
import { labUp, nodeProblem } from './up.ts'

const usage = `usage: npm run lab:up | lab:down | lab:status | lab:fault -- NODE ACTION
  LAB_NODES=N sets the node count for lab:up (default: keep a healthy running lab, else 3)
  ACTION: ${FAULT_ACTIONS.join(', ')}`

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv
  const settings = settingsFromEnv()
  switch (command) {
    case 'up': {
      assertLabHost()
      const started = Date.now()
      await labUp(settings, (line) => console.log(line))
      console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`)
      return
    }
    case 'down':
      assertLabHost()
      await labDown(settings)
      console.log('lab down: nothing left behind')
      return
    case 'status': {
      const path = labFilePath()
      if (!existsSync(path)) {
        console.log('lab is down (or was brought up from another checkout: the lab is machine-wide)')
        return
      }
      const lab = JSON.parse(readFileSync(path, 'utf8')) as LabFile
      for (const [i, node] of lab.nodes.entries()) {
        const problem = await nodeProblem(planNode(settings, i + 1))
        console.log(`${node.name}  ${node.address}  ${problem ?? 'healthy'}  ${node.hostKeyFingerprint}`)
      }
      console.log(`user ${lab.user}, key ${lab.keyPath}, image ${lab.image}; facts in ${path}`)
      return
    }
    case 'fault': {
      const [node, action] = rest
      if (!node || !action) throw new Error(usage)
      if (!isFaultAction(action)) throw new Error(`unknown fault action "${action}"\n${usage}`)
      assertLabHost()
      await injectFault(node, action, settings)
      console.log(`${node}: ${action} done`)
      return
    }
    default:
      throw new Error(usage)
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`lab: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
