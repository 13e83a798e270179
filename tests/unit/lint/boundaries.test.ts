import { resolve } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../../..')
const eslint = new ESLint({ cwd: root })

/** The rules ESLint reports for `code` as if it were the file at `path` (not written to disk). */
async function rulesBroken(path: string, code: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, path) })
  return result.messages.map((m) => m.ruleId)
}

describe('lint guards the boundaries of docs/style.md', () => {
  it.each([
    [
      'electron in the engine',
      'main/engine/jobs/x.ts',
      "import { app } from 'electron'\nexport const a = app\n"
    ],
    [
      'vue in the engine',
      'main/engine/jobs/x.ts',
      "import { ref } from 'vue'\nexport const a = ref\n"
    ],
    [
      'renderer code in the engine',
      'main/engine/jobs/x.ts',
      "import { useApi } from '../../../renderer/src/api'\nexport const a = useApi\n"
    ],
    [
      'a shell in the engine',
      'main/engine/jobs/x.ts',
      "import { x } from '../../service/flatline-service'\nexport const a = x\n"
    ],
    [
      'IO in the contract',
      'main/contract/x.ts',
      "import { readFile } from 'node:fs/promises'\nexport const a = readFile\n"
    ],
    [
      'raw ipcMain outside the wrapper',
      'main/electron/x.ts',
      "import { ipcMain } from 'electron'\nexport const a = ipcMain\n"
    ],
    [
      'raw ipcRenderer in the renderer',
      'renderer/src/x.ts',
      "import { ipcRenderer } from 'electron'\nexport const a = ipcRenderer\n"
    ]
  ])('rejects %s', async (_, path, code) => {
    expect(await rulesBroken(path, code)).toContain('no-restricted-imports')
  })

  it('rejects openExternal and webContents.send outside their one module', async () => {
    const open =
      "import { shell } from 'electron'\nexport function go(url: string): void {\n  void shell.openExternal(url)\n}\n"
    expect(await rulesBroken('main/electron/x.ts', open)).toContain('no-restricted-syntax')
    expect(await rulesBroken('main/electron/safe-open-external.ts', open)).not.toContain(
      'no-restricted-syntax'
    )
    const send =
      "import type { BrowserWindow } from 'electron'\nexport function tell(w: BrowserWindow): void {\n  w.webContents.send('x', 1)\n}\n"
    expect(await rulesBroken('main/x.ts', send)).toContain('no-restricted-syntax')
  })

  it('allows what the boundaries allow', async () => {
    expect(
      await rulesBroken('main/engine/jobs/x.ts', "import { z } from 'zod'\nexport const a = z\n")
    ).toEqual([])
    expect(
      await rulesBroken(
        'main/electron/ipc-handlers.ts',
        "import { ipcMain } from 'electron'\nexport const a = ipcMain\n"
      )
    ).toEqual([])
    expect(await rulesBroken('main/engine/jobs/x.ts', 'export const a: any = 1\n')).toContain(
      '@typescript-eslint/no-explicit-any'
    )
  })
})
