import { defineConfig } from 'vitest/config'

// End-to-end: the built renderer in Debian's Chromium, served in browser mode, against the real engine.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.spec.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false
  }
})
