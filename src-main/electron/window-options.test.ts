import { describe, expect, it } from 'vitest'
import { mainWindowOptions } from './window-options.ts'

describe('mainWindowOptions', () => {
  const prefs = mainWindowOptions('/app/out/preload/preload.cjs').webPreferences ?? {}

  it('isolates the renderer from Node and Electron', () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    })
  })

  it('keeps web security on and webviews off', () => {
    expect(prefs).toMatchObject({ webSecurity: true, allowRunningInsecureContent: false, webviewTag: false })
  })

  it('loads our preload', () => {
    expect(prefs.preload).toBe('/app/out/preload/preload.cjs')
  })
})
