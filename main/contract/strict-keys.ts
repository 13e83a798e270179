/**
 * Strict specs: an unknown or misspelled key is an error naming its path and the key probably meant.
 *
 * How to use it in a new schema (study, harden, worker settings, technique registry, …):
 * - declare every object a user writes with `z.strictObject({...})` (or `z.object({...}).strict()`);
 *   `.extend`, `.safeExtend`, `.partial` and discriminated unions of strict objects stay strict;
 * - print a failed parse with `describeSpecError(error)` (CLI, service, form): an unknown key reads
 *   "unknown key attack.techniques; did you mean attack.stack?", any other problem "path: message";
 * - when users write a key under another word that edit distance cannot find (`techniques` for
 *   `stack`), add the pair to `KEY_SYNONYMS` below.
 * Importing this module (audit-spec.ts does, so every process that parses a spec has) installs the
 * message for zod's `unrecognized_keys` issues, so even a strict object declared elsewhere gets it.
 */
import { z } from 'zod'

/**
 * Words users type for a key under another name: `word → keys it may mean`.
 *
 * A hint is only given when the object being parsed has that key. Append pairs for your schemas.
 */
export const KEY_SYNONYMS: Record<string, readonly string[]> = {
  techniques: ['stack'],
  technique: ['stack'],
  epsilon: ['eps'],
  radius: ['eps'],
  iterations: ['steps', 'epochs'],
  iters: ['steps'],
  alpha: ['stepSize'],
  learningRate: ['lr'],
  architecture: ['arch'],
  model: ['arch'],
  optimiser: ['minimizer', 'optimizer'],
  minimiser: ['minimizer'],
  targets: ['importedTargets'],
  models: ['surrogates', 'targets'],
  attacks: ['attack'],
  schedule: ['lrSchedule'],
  normalise: ['mean', 'std'],
  normalize: ['mean', 'std']
}

/**
 * Edits from one word to the other (insert, delete, replace, swap two neighbours), case-insensitive
 * and with `_` and `-` ignored, so `batch_size` is `batchSize` and `lable` is one edit from `label`.
 */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase().replace(/[_-]/g, '')
  const y = b.toLowerCase().replace(/[_-]/g, '')
  const d = Array.from({ length: x.length + 1 }, (_, i) =>
    Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  )
  for (let i = 1; i <= x.length; i++)
    for (let j = 1; j <= y.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1)
      )
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  return d[x.length][y.length]
}

/**
 * The known key a user probably meant by `key`, or undefined when none is close.
 *
 * A synonym first, then the nearest key within a third of the longer word's length in edits
 * (at least one edit), then a known key the typed one starts with or that starts with it.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const synonym = KEY_SYNONYMS[key]?.find((candidate) => known.includes(candidate))
  if (synonym) return synonym
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const distance = editDistance(key, candidate)
    const allowed = Math.max(1, Math.floor(Math.max(key.length, candidate.length) / 3))
    if (distance <= allowed && distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  if (best) return best
  const typed = key.toLowerCase()
  if (typed.length < 3) return undefined
  return known.find((candidate) => {
    const lower = candidate.toLowerCase()
    return lower.length >= 3 && (typed.startsWith(lower) || lower.startsWith(typed))
  })
}

/** An `unrecognized_keys` issue as this module leaves it: one hint (or null) per unknown key. */
type UnknownKeysIssue = z.core.$ZodIssueUnrecognizedKeys & { hints?: (string | null)[] }

/**
 * zod's message for unknown keys, with the hint for each.
 *
 * The hints are also left on the issue (zod copies an issue's own fields into the reported issue),
 * so `describeSpecError` can name both the key and the hint with their full path.
 */
function unknownKeysMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'unrecognized_keys') return undefined
  const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)
    ?._zod?.def?.shape
  const known = shape ? Object.keys(shape) : []
  const hints = issue.keys.map((key) => closestKey(key, known) ?? null)
  ;(issue as { hints?: (string | null)[] }).hints = hints
  return issue.keys
    .map((key, i) => `unknown key "${key}"` + (hints[i] ? `; did you mean "${hints[i]}"?` : ''))
    .join(', ')
}

z.config({ customError: unknownKeysMessage })

function dotted(path: readonly PropertyKey[]): string {
  return path.map(String).join('.')
}

/**
 * One line per problem of a failed parse.
 *
 * An unknown key reads "unknown key attack.techniques; did you mean attack.stack?"; any other
 * problem "attack.eps: eps must be…" (the dotted path, or "(spec)" for the whole spec).
 */
export function describeSpecIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const { keys, hints, path } = issue as UnknownKeysIssue
      return keys.map((key, i) => {
        const hint = hints?.[i]
        return (
          `unknown key ${dotted([...path, key])}` +
          (hint ? `; did you mean ${dotted([...path, hint])}?` : '')
        )
      })
    }
    return [`${issue.path.length ? dotted(issue.path) : '(spec)'}: ${issue.message}`]
  })
}

/** Formats a failed parse as one line per problem (see `describeSpecIssues`). */
export function describeSpecError(error: z.ZodError): string {
  return describeSpecIssues(error).join('\n')
}
