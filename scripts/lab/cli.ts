// `npm run lab:up | lab:down | lab:status | lab:fault -- NODE ACTION`

import { existsSync, readFileSync } from 'node:fs'
import { settingsFromEnv } from './config.ts'
import { labDown } from './down.ts'
import { FAULT_ACTIONS, injectFault, isFaultAction } from './faults.ts'
import { labFilePath } from './lab-file.ts'
import { assertLabHost } from './tools.ts'
import { labUp } from './up.ts'

const usage = `usage: lab.ts up | down | status | fault NODE ACTION
  LAB_NODES=N (default 3) sets the node count for up
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
      console.log(existsSync(path) ? readFileSync(path, 'utf8') : 'lab is down')
      return
    }
    case 'fault': {
      const [node, action] = rest
      if (!node || !action || !isFaultAction(action)) throw new Error(usage)
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
