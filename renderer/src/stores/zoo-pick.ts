/**
 * Picking zoo targets for a New audit: a zoo set (or single targets) becomes the draft's
 * `importedTargets` (test) or, when the draft has a validation block, `validation.importedTargets`,
 * each entry with the zoo's stored path and checked preprocessing.
 *
 * One model is never both a test and a validation target of the same audit (the paper keeps the
 * validation zoo apart so choosing a surrogate never looks at the test targets): picking refuses it
 * and says why, instead of letting the spec check fail later on a duplicate name.
 */
import type { ImportedTargetSpec } from '@contract/audit-spec'
import {
  FINE_TUNE_PRESETS,
  FineTuneSpec,
  type FineTunePreset,
  type ImportedSurrogateSpec
} from '@contract/onnx-surrogate'
import type { ZooSet, ZooTargetEntry } from '@contract/target-zoo'
import type { FormDraft } from './audit-form'
import { importedTargetOf } from './target-zoo'

/** 'surrogate': an ONNX zoo model whose check found it usable as a surrogate (the draft's `importedSurrogates`). */
export type ZooRole = 'test' | 'validation' | 'surrogate'

type ZooEntrySpec = ImportedTargetSpec | ImportedSurrogateSpec

function listOf(draft: FormDraft, role: ZooRole): ZooEntrySpec[] {
  if (role === 'surrogate') return draft.importedSurrogates ?? []
  return (role === 'test' ? draft.importedTargets : draft.validation?.importedTargets) ?? []
}

function setList(draft: FormDraft, role: ZooRole, list: ZooEntrySpec[]): void {
  if (role === 'surrogate') {
    if (list.length) draft.importedSurrogates = list as ImportedSurrogateSpec[]
    else delete draft.importedSurrogates
  } else if (role === 'test') {
    if (list.length) draft.importedTargets = list as ImportedTargetSpec[]
    else delete draft.importedTargets
  } else if (draft.validation) {
    if (list.length) draft.validation.importedTargets = list as ImportedTargetSpec[]
    else delete draft.validation.importedTargets
  }
}

/** A fine-tuned copy of an imported surrogate (same file, with `fineTune`), not the model as imported. */
const isFineTuned = (entry: ZooEntrySpec): boolean =>
  'fineTune' in entry && entry.fineTune !== undefined

/** Whether a zoo target is picked in `role` (matched by its stored path; as a surrogate, the model as imported). */
export function isPicked(draft: FormDraft, role: ZooRole, target: ZooTargetEntry): boolean {
  return listOf(draft, role).some((t) => t.path === target.path && !isFineTuned(t))
}

/** Why `target` cannot go in `role`, or null: it is in the other role, or its name is taken by a trained model. */
export function pickRefusal(
  draft: FormDraft,
  role: ZooRole,
  target: ZooTargetEntry
): string | null {
  if (role === 'surrogate') {
    if (!target.check.surrogate?.usable)
      return `"${target.name}" was not checked as a surrogate${target.check.surrogate?.reason ? `: ${target.check.surrogate.reason}` : ': import it again with "use as surrogate" ticked'}.`
    if (isPicked(draft, 'test', target) || isPicked(draft, 'validation', target))
      return `"${target.name}" is already a target of this audit: a model attacked from itself measures nothing about transfer.`
  }
  const other: ZooRole = role === 'test' ? 'validation' : 'test'
  if (role !== 'surrogate' && isPicked(draft, 'surrogate', target))
    return `"${target.name}" is already a surrogate of this audit: a model attacked from itself measures nothing about transfer.`
  if (role !== 'surrogate' && isPicked(draft, other, target))
    return `"${target.name}" is already a ${other} target of this audit: one model cannot be both a test and a validation target.`
  if (role === 'validation' && !draft.validation)
    return 'this audit has no validation block: turn on early stopping on a surrogate first.'
  const trained = [
    ...draft.surrogates,
    ...draft.targets,
    ...(draft.validation?.targets ?? [])
  ].find((m) => m.name === target.name)
  if (trained)
    return `the audit already has a model named "${target.name}": rename that model first.`
  return null
}

/** Ticks a zoo target in or out of `role`; returns the refusal message instead when it cannot go there. */
export function pickTarget(
  draft: FormDraft,
  role: ZooRole,
  target: ZooTargetEntry,
  on: boolean
): string | null {
  const rest = listOf(draft, role).filter((t) => t.path !== target.path)
  if (!on) {
    setList(draft, role, rest)
    return null
  }
  const refusal = pickRefusal(draft, role, target)
  if (refusal) return refusal
  const entry: ZooEntrySpec =
    role === 'surrogate'
      ? {
          name: target.name,
          format: 'onnx',
          path: target.path,
          preprocessing: structuredClone(target.preprocessing)
        }
      : importedTargetOf(target)
  setList(draft, role, [...rest, entry])
  return null
}

/** Replaces `role`'s zoo targets with a whole set's; refuses (changing nothing) if any member cannot go there. */
export function pickSet(
  draft: FormDraft,
  role: ZooRole,
  set: ZooSet,
  targets: readonly ZooTargetEntry[]
): string | null {
  const members = set.targetIds
    .map((id) => targets.find((t) => t.id === id))
    .filter((t): t is ZooTargetEntry => t !== undefined)
  const zooPaths = new Set(targets.map((t) => t.path))
  // Entries that did not come from the zoo (loaded with a spec) stay.
  const kept = listOf(draft, role).filter((t) => !zooPaths.has(t.path))
  for (const target of members) {
    const refusal = pickRefusal(draft, role, target)
    if (refusal) return `set "${set.name}": ${refusal}`
  }
  setList(draft, role, [...kept, ...members.map(importedTargetOf)])
  return null
}

/** The preset of the fine-tuned copy of a zoo surrogate in the draft, or '' when it has none. */
export function fineTunePresetOf(draft: FormDraft, target: ZooTargetEntry): FineTunePreset | '' {
  const copy = (draft.importedSurrogates ?? []).find((s) => s.path === target.path && s.fineTune)
  return copy?.fineTune?.preset ?? ''
}

/**
 * Puts a fine-tuned copy of a picked zoo surrogate beside it (`<name>-<preset>`, e.g. the paper's
 * l-SAM from the pretrained weights), replaces its preset, or with '' removes it. Unticking the
 * surrogate removes its copy too. Returns why it cannot, or null.
 */
export function setFineTunedCopy(
  draft: FormDraft,
  target: ZooTargetEntry,
  preset: FineTunePreset | ''
): string | null {
  const list = draft.importedSurrogates ?? []
  const rest = list.filter((s) => !(s.path === target.path && s.fineTune))
  if (!preset) {
    setList(draft, 'surrogate', rest)
    return null
  }
  if (!isPicked(draft, 'surrogate', target))
    return `tick "${target.name}" as a surrogate first: the fine-tuned copy starts from its weights.`
  const name = `${target.name}-${preset}`
  const taken = [
    ...draft.surrogates,
    ...draft.targets,
    ...(draft.validation?.targets ?? []),
    ...rest,
    ...(draft.importedTargets ?? [])
  ].find((m) => m.name === name)
  if (taken) return `the audit already has a model named "${name}": rename that model first.`
  const copy: ImportedSurrogateSpec = {
    name,
    format: 'onnx',
    path: target.path,
    preprocessing: structuredClone(target.preprocessing),
    // The preset's epochs, learning rate and minimizer; the contract's defaults for the rest.
    fineTune: FineTuneSpec.parse({ preset })
  }
  setList(draft, 'surrogate', [...rest, copy])
  return null
}

/** The fine-tuning presets offered for a zoo surrogate's copy, with their labels. */
export const FINE_TUNE_CHOICES = (Object.keys(FINE_TUNE_PRESETS) as FineTunePreset[]).map((id) => ({
  id,
  label: FINE_TUNE_PRESETS[id].label
}))
