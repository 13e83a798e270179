/**
 * The contract's radius errors speak the spec's units (fractions of the [0,1] pixel range: "eps must be
 * in (0, 1]"), but the form takes L∞ radii in /255 (16 means 16/255). An error must speak the units of
 * the field the user typed into, so the form rewrites the range errors of its radius fields.
 */

/** The form's reading of one range error at `path`; other paths and messages pass through unchanged. */
export function inFormUnits(path: string, message: string, norm: 'linf' | 'l2'): string {
  // A cleared field says "enter a number" already; only range errors name units.
  if (message === 'enter a number') return message
  if (path === 'attack.eps')
    return norm === 'linf'
      ? 'ε must be more than 0 and at most 255, in /255 (16 means 16/255)'
      : /must be in \(0, 1\]/.test(message)
        ? 'ε must be more than 0: an L2 radius in [0,1] pixel units, e.g. 0.5'
        : message
  if (path === 'attack.stepSize' && norm === 'linf')
    return 'step size must be more than 0 and at most 255, in /255 like ε (1.6 means 1.6/255)'
  if (path === 'harden.adversarialTraining.eps')
    return 'ε must be more than 0 and at most 255, in /255 (8 means 8/255)'
  return message
}
