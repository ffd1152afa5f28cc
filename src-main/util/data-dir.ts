// Where Coxswain keeps its state by default, shared by the desktop app and `serve` so both open the
// same cluster.

import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'

/** `${XDG_DATA_HOME:-~/.local/share}/coxswain`; a relative XDG_DATA_HOME is ignored, as the XDG spec says. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_DATA_HOME
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share')
  return join(base, 'coxswain')
}
