import { describe, expect, it } from 'vitest'
import {
  MINUS_SIGN,
  signedChange,
  signedPoints,
  withMinusSign
} from '../../../main/contract/signed-number'

describe('signed numbers', () => {
  it('writes a negative number with a real minus sign (U+2212), never an ASCII hyphen', () => {
    expect(MINUS_SIGN).toBe('\u2212')
    expect(withMinusSign(-0.0123, 3)).toBe('−0.012')
    expect(withMinusSign(0.345, 3)).toBe('0.345')
    expect(signedPoints(-0.173)).toBe('−17.3')
    expect(signedChange(-4, 1)).toBe('−4.0')
  })

  it('puts a plus on a rise, and no sign on what rounds to zero (no "−0.0")', () => {
    expect(signedPoints(0.02)).toBe('+2.0')
    expect(signedPoints(-0.0004)).toBe('0.0')
    expect(signedPoints(0.0004)).toBe('0.0')
    expect(withMinusSign(-0.00001, 3)).toBe('0.000')
    expect(signedChange(0, 2)).toBe('0.00')
  })
})
