import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// Four projects: fast units beside the code, lab integration against real sshd + dockerd
// (needs `npm run lab:up`), real kubectl against the Kubernetes API, and browser end-to-end
// against the headless server.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [vue()],
        test: {
          name: 'unit',
          include: ['src-main/**/*.test.ts', 'src-renderer/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'lab',
          include: ['test/lab/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // The Kubernetes REST door against the real kubectl binaries and @kubernetes/client-node,
        // over an in-process server on loopback; no lab needed.
        test: {
          name: 'kubectl',
          include: ['test/kubectl/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
