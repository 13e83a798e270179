/**
 * The last line of `npm test`: tests passed and failed over every step.
 *
 * A step that failed without a failing test to show for it (a suite that did not start, a build,
 * the typecheck, lint) counts as one failure and is named, so the line can never read "0 failed"
 * after something went wrong.
 */

/** `steps`: `{ label, ok, tests?: { passed, failed, skipped } }` in the order they ran (or were meant to). */
export function summaryLine(steps) {
  let passed = 0
  let failed = 0
  let skipped = 0
  const broken = []
  for (const step of steps) {
    passed += step.tests?.passed ?? 0
    failed += step.tests?.failed ?? 0
    skipped += step.tests?.skipped ?? 0
    if (!step.ok && !(step.tests?.failed > 0)) {
      failed += 1
      broken.push(step.label)
    }
  }
  return (
    `${passed} passed, ${failed} failed` +
    (skipped ? `, ${skipped} skipped` : '') +
    (broken.length ? ` (did not complete: ${broken.join(', ')})` : '')
  )
}
