// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import {
  formatCount,
  formatEps,
  formatRate,
  formatSeconds,
  shortHash
} from '../../../../../renderer/src/format/numbers'

describe('display formats', () => {
  it('formats rates with one decimal and a spaced percent sign', () => {
    expect(formatRate(0.473)).toBe('47.3 %')
    expect(formatRate(0)).toBe('0.0 %')
    expect(formatRate(1)).toBe('100.0 %')
    expect(formatRate(0.0125)).toBe('1.3 %')
  })

  it('shows ε as k/255', () => {
    expect(formatEps(16 / 255)).toBe('16/255')
    expect(formatEps(4 / 255)).toBe('4/255')
    expect(formatEps(0.06274509803921569)).toBe('16/255')
    expect(formatEps(1.6 / 255)).toBe('1.6/255')
    expect(formatEps(0.01)).toBe('2.55/255')
  })

  it('formats counts, durations and hashes', () => {
    expect(formatCount(52202)).toBe('52,202')
    expect(formatSeconds(4.25)).toBe('4.3 s')
    expect(formatSeconds(42.4)).toBe('42 s')
    expect(formatSeconds(405)).toBe('6 min 45 s')
    expect(formatSeconds(3720)).toBe('1 h 02 min')
    expect(formatSeconds(Number.NaN)).toBe('—')
    expect(shortHash('752c75db495ebf8a7260cdc9')).toBe('752c75db495e')
  })
})
