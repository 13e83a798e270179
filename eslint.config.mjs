// ESLint flat config, after the create-electron vue-ts template (typescript-eslint through
// @electron-toolkit/eslint-config-ts, eslint-plugin-vue, Prettier last), plus the boundaries of
// docs/style.md §1, §2 and §8. Formatting is Prettier's (npm run format); lint does not check it.
import tseslint from '@electron-toolkit/eslint-config-ts'
import eslintConfigPrettier from 'eslint-config-prettier'
import eslintPluginVue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'

/** Packages and folders the host-neutral engine must never import: it runs in Node, the CLI and workers. */
const NOT_IN_ENGINE = [
  {
    group: ['electron', 'electron/*'],
    message:
      'main/engine/ runs outside Electron (CLI, tests, workers): move this to main/electron/.'
  },
  // echarts itself is allowed: the report renders its heatmap to SVG on the server side.
  {
    group: ['vue', 'vue/*', 'pinia', '@vue/*', 'vue-echarts'],
    message: 'main/engine/ never imports UI code.'
  },
  {
    group: ['**/renderer/**', '@contract/*'],
    message: 'main/engine/ never imports renderer code; import the contract by its relative path.'
  },
  {
    group: ['**/electron/**', '**/service/**', '**/browser/**', '**/cli/**'],
    message: 'main/engine/ is imported by the shells, never the other way round.'
  }
]

/** Raw IPC is only for the two wrapper modules, which validate every message (style.md §2). */
const RAW_IPC = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message:
    'Use the wrappers: main/electron/ipc-handlers.ts (main) and preload/index.ts (preload) validate every message.'
}
const IPC_WRAPPERS = ['main/electron/ipc-handlers.ts', 'preload/index.ts']

const OPEN_EXTERNAL = {
  selector: "MemberExpression[property.name='openExternal']",
  message:
    'Open links with safeOpenExternal (main/electron/safe-open-external.ts): it accepts only http(s).'
}
const WEB_CONTENTS_SEND = {
  selector:
    "CallExpression[callee.property.name='send'][callee.object.property.name='webContents']",
  message: 'Send to the page through main/electron/ipc-handlers.ts only.'
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules',
      '**/dist',
      '**/out',
      'release',
      'scratch',
      'test-results',
      'coverage',
      '**/*.d.ts'
    ]
  },
  tseslint.configs.recommended,
  eslintPluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: {
        ecmaFeatures: { jsx: true },
        extraFileExtensions: ['.vue'],
        parser: tseslint.parser
      }
    }
  },
  {
    files: ['**/*.{ts,mts,tsx,vue}'],
    rules: {
      'vue/require-default-prop': 'off',
      'vue/multi-word-component-names': 'off',
      'vue/block-lang': ['error', { script: { lang: 'ts' } }],
      // `_name` marks a value left unused on purpose (a destructured field dropped, a callback's first argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
      ]
    }
  },
  {
    files: ['**/*.{ts,mts,vue,mjs}'],
    ignores: IPC_WRAPPERS,
    rules: { 'no-restricted-imports': ['error', { paths: [RAW_IPC] }] }
  },
  {
    // Tests and benchmarks: a helper's inferred return type is the point (what it hands the test).
    files: ['tests/**', 'bench/**', '**/*.{js,mjs}'],
    rules: { '@typescript-eslint/explicit-function-return-type': 'off' }
  },
  {
    // Test doubles stub methods out (a ResizeObserver for jsdom, an engine's dispose).
    files: ['tests/**'],
    rules: { '@typescript-eslint/no-empty-function': 'off' }
  },
  {
    // App code only: the tests of safeOpenExternal and the window guards must name what they check.
    files: ['main/**/*.ts', 'preload/**/*.ts', 'renderer/**/*.{ts,vue}'],
    ignores: ['main/electron/safe-open-external.ts', 'main/electron/ipc-handlers.ts'],
    rules: { 'no-restricted-syntax': ['error', OPEN_EXTERNAL, WEB_CONTENTS_SEND] }
  },
  {
    files: ['main/electron/ipc-handlers.ts'],
    rules: { 'no-restricted-syntax': ['error', OPEN_EXTERNAL] }
  },
  {
    files: ['main/engine/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [RAW_IPC], patterns: NOT_IN_ENGINE }] }
  },
  {
    files: ['main/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [RAW_IPC],
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'child_process'],
              message:
                'main/contract/ is pure (schemas and types): no IO, it is bundled into the renderer.'
            },
            ...NOT_IN_ENGINE
          ]
        }
      ]
    }
  },
  eslintConfigPrettier
)
