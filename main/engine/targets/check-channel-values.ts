/**
 * Refuses a mean or std with a number of values the model's channels cannot take (three for a
 * one-channel model), before the model ever runs: otherwise the values broadcast into extra channels
 * and the user sees a raw runtime error about shapes instead of the field to fix.
 */
import { TargetImportError } from './target-model'
import type { TargetPreprocessing } from './target-preprocessing'

export function checkChannelValues(
  file: string,
  preprocessing: TargetPreprocessing,
  channels: number
): void {
  for (const key of ['mean', 'std'] as const) {
    const values = preprocessing[key]
    if (!values || values.length === 1 || values.length === channels) continue
    const takes =
      channels === 1 ? 'give one value' : `give 1 value (the same for every channel) or ${channels}`
    throw new TargetImportError(
      file,
      `preprocessing.${key} has ${values.length} values but the model takes ${channels} channel${channels === 1 ? '' : 's'}; ${takes}.`
    )
  }
}
