/**
 * Signed numbers in text a security team reads (Harden, Compare, their reports): a real minus sign
 * (U+2212), never the ASCII hyphen of `toFixed`, which reads as a dash or a range ("-2.0"), and a plus
 * on a change that rises. Rounded first, so −0.04 at one decimal is "0.0", never "−0.0" or "+0.0".
 */
export const MINUS_SIGN = '\u2212'

/** A number that may be negative (a score, a flatness): "0.345", "−0.012". */
export function withMinusSign(value: number, digits: number): string {
  const text = value.toFixed(digits)
  if (Number(text) === 0) return (0).toFixed(digits)
  return text.replace('-', MINUS_SIGN)
}

/** A change, always signed unless it rounds to zero: "+2.0", "−2.0", "0.0". */
export function signedChange(value: number, digits = 1): string {
  const text = withMinusSign(value, digits)
  return Number(value.toFixed(digits)) > 0 ? `+${text}` : text
}

/** A change of a 0–1 rate in percentage points: 0.02 → "+2.0", −0.173 → "−17.3". */
export function signedPoints(fraction: number): string {
  return signedChange(fraction * 100, 1)
}
