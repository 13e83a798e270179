import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { STACK_TECHNIQUE_IDS } from '../../../main/contract/attack-stack'

describe('npm run audit -- --list-techniques', () => {
  it('prints BIM and every stack technique, one id per line, and exits 0', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'main/cli/audit.ts', '--list-techniques'],
      { encoding: 'utf8', timeout: 120_000 }
    )
    expect(result.status).toBe(0)
    const ids = result.stdout.trim().split('\n')
    expect(ids).toEqual(['bim', ...STACK_TECHNIQUE_IDS])
    expect(ids.length).toBeGreaterThanOrEqual(21)
    expect(ids.every((id) => /^[a-z]+$/.test(id))).toBe(true)
  })
})
