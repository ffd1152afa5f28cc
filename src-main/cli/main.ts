// Entry of the command line tool: `npm run cli -- node add|list|remove …`, `npm run cli -- key`.
// Node runs this file directly (type stripping); it talks to a running server over its API.

import { CLI_USAGE, CliUsageError, parseCliArgs } from './args.ts'
import { runCli, type CliIo } from './commands.ts'

const io: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
}

async function main(): Promise<number> {
  let command
  try {
    command = parseCliArgs(process.argv.slice(2))
  } catch (err) {
    if (!(err instanceof CliUsageError)) throw err
    io.err(`coxswain: ${err.message}\n\n${CLI_USAGE}`)
    return 2
  }
  if (command.kind === 'help') {
    io.out(CLI_USAGE)
    return 0
  }
  try {
    return await runCli(command, io)
  } catch (err) {
    io.err(`coxswain: ${(err as Error).message}`)
    return 1
  }
}

process.exitCode = await main()
