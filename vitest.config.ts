import { defineConfig } from 'vitest/config'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'

// Unit tests: engine, contract and main under plain Node; renderer files opt into jsdom per file.
export default defineConfig({
  plugins: [vue()],
  // The renderer imports the contract as `@contract/...` (renderer/vite.config.ts sets the same alias).
  resolve: { alias: { '@contract': fileURLToPath(new URL('./main/contract', import.meta.url)) } },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // tfjs backends are process-global; one file per worker keeps them apart. Two cores, two workers.
    pool: 'forks',
    maxWorkers: 2,
    // Two test files already run at once on two cores; one engine thread each keeps them from
    // fighting over the cores. The threaded build has its own test (wasm-threads.test.ts).
    env: { FLATLINE_THREADS: '1' }
  }
})
