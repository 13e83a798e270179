import { describe, expect, it } from 'vitest'
import { parseCliArgs } from '../../../main/cli/cli-args'

describe('npm run audit -- --workers', () => {
  it('takes a whole number of workers, for a new run and a resume', () => {
    expect(parseCliArgs(['--spec', 's.json', '--out', 'o', '--workers', '3']).workers).toBe(3)
    expect(parseCliArgs(['--resume', 'o', '--workers', '1']).workers).toBe(1)
    expect(parseCliArgs(['--spec', 's.json', '--out', 'o']).workers).toBeUndefined()
  })

  it.each(['0', '-2', '1.5', 'two'])('refuses --workers %s, saying what it takes', (value) => {
    expect(() => parseCliArgs(['--spec', 's.json', '--out', 'o', '--workers', value])).toThrow(
      `--workers takes a whole number of at least 1 (1 runs the audit in this process), not "${value}"`
    )
  })
})
