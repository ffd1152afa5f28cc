import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import type { Plugin } from 'vite'
import { contentSecurityPolicy } from './src-main/security/csp.ts'

// The built page carries its CSP itself: Electron loads it from file://, where a policy set on
// response headers is not guaranteed to apply. (Not in dev: Vite's hot reload injects styles.)
function cspMetaTag(): Plugin {
  return {
    name: 'coxswain-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy({ forMetaTag: true }) },
        injectTo: 'head-prepend',
      },
    ],
  }
}

// The cluster DNS server runs on the nodes from its TypeScript sources (src-main/network/dns/image.ts
// builds its image from them): the bundle carries them as files, in out/main/dns-server.
function copyDnsServerSources(): Plugin {
  const files = ['server.ts', 'wire.ts']
  return {
    name: 'coxswain-dns-server-sources',
    apply: 'build',
    generateBundle() {
      for (const file of files) {
        this.emitFile({ type: 'asset', fileName: `dns-server/${file}`, source: readFileSync(resolve(__dirname, 'src-main/network/dns', file), 'utf8') })
      }
    },
  }
}

// Two main-process entries share one control plane: the Electron app (main.ts) and the
// headless server (serve.ts), so the browser dashboard and kubectl reach the same code.
export default defineConfig({
  main: {
    plugins: [copyDnsServerSources()],
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        input: {
          main: resolve(__dirname, 'src-main/main.ts'),
          serve: resolve(__dirname, 'src-main/serve.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { preload: resolve(__dirname, 'src-main/preload.ts') },
        // A sandboxed preload cannot be an ES module.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [vue(), cspMetaTag()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
      },
    },
  },
})
