import { describe, expect, it } from 'vitest'
import { parseCliArgs } from '../../../main/cli/cli-args'
import { UsageError } from '../../../main/cli/run-cli'
import { machineCores } from '../../../main/engine/backend/thread-count'

describe('npm run audit -- --threads', () => {
  it('takes a thread count from 1 to the machine cores', () => {
    expect(parseCliArgs(['--spec', 's.json', '--out', 'o', '--threads', '1']).threads).toBe(1)
    expect(parseCliArgs(['--resume', 'o', '--threads', String(machineCores())]).threads).toBe(
      machineCores()
    )
    expect(parseCliArgs(['--spec', 's.json', '--out', 'o']).threads).toBeUndefined()
  })

  it('rejects a count below 1, above the cores, or not a whole number, saying what to give', () => {
    const cores = machineCores()
    expect(() => parseCliArgs(['--spec', 's.json', '--out', 'o', '--threads', '0'])).toThrow(
      UsageError
    )
    expect(() => parseCliArgs(['--spec', 's.json', '--out', 'o', '--threads', '0'])).toThrow(
      `--threads='0' is not a thread count; give a whole number from 1 to ${cores}`
    )
    expect(() =>
      parseCliArgs(['--spec', 's.json', '--out', 'o', '--threads', String(cores + 1)])
    ).toThrow(`--threads='${cores + 1}' asks for more threads than this machine's ${cores} cores`)
    expect(() => parseCliArgs(['--spec', 's.json', '--out', 'o', '--threads', '1.5'])).toThrow(
      /is not a thread count/
    )
  })
})
