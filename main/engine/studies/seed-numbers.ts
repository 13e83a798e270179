/**
 * The numbers one seed's audit contributes to a study, read from its run record: per surrogate
 * architecture, each Table 3 row's natural accuracy, transfer per test target and training passes;
 * each Table 4 technique's transfer from the SGD and l-SAM surrogates; and the SGD surrogate's
 * per-epoch validation transfer and sharpness (Figures 4 and 5).
 */
import type { ModelResult, RunRecord } from '../../contract/run-record'
import { BIM_LABEL, techniqueLabel } from '../../contract/study-plan'
import { STUDY_ROW_INFO, studySurrogateName, type StudyRowId } from '../../contract/study-rows'
import type { StudySpec } from '../../contract/study-spec'

export type PerTarget = Record<string, number>

export interface RowNumbers {
  /** null for LGV, an ensemble of collected members rather than one model. */
  accuracy: number | null
  transfer: PerTarget
  /** Passes relative to the SGD surrogate's training (paper Table 3's cost). */
  cost: number
  chosenEpoch?: number
}

export interface CurvePoint {
  epoch: number
  lr: number
  transfer?: number
  maxEigenvalue?: number
  trace?: number
}

export interface ArchNumbers {
  rows: Partial<Record<StudyRowId, RowNumbers>>
  techniques: Record<string, { sgd: PerTarget; lsam: PerTarget }>
  curve: CurvePoint[]
}

export interface SeedNumbers {
  seed: number
  archs: Record<string, ArchNumbers>
}

export function seedNumbers(spec: StudySpec, seed: number, record: RunRecord): SeedNumbers {
  const results = record.results
  if (!results) throw new Error(`run ${record.id} (seed ${seed}) has no results`)
  const model = (name: string): ModelResult => {
    const m = results.models.find((x) => x.name === name)
    if (!m) throw new Error(`run ${record.id} (seed ${seed}) has no model "${name}"`)
    return m
  }
  const transferOf = (attack: string, surrogate: string): PerTarget => {
    const out: PerTarget = {}
    for (const c of results.transfer)
      if ((c.attack ?? BIM_LABEL) === attack && c.surrogate === surrogate)
        out[c.target] = c.successRate
    const missing = spec.targets.filter((t) => out[t.name] === undefined)
    if (missing.length)
      throw new Error(
        `run ${record.id} (seed ${seed}) has no ${attack} transfer from ${surrogate} to ${missing.map((t) => t.name).join(', ')}`
      )
    return out
  }
  const archs: Record<string, ArchNumbers> = {}
  for (const { arch } of spec.surrogates) {
    const sgd = model(studySurrogateName('sgd', arch))
    const sgdPasses = sgd.passes ?? NaN
    const rows: ArchNumbers['rows'] = {}
    for (const row of spec.rows) {
      if (STUDY_ROW_INFO[row].source.kind === 'lgv') {
        // LGV trains SGD, then collects for a few epochs at its own batch size: count images, as the paper's ratio does.
        rows[row] = {
          accuracy: null,
          transfer: transferOf(techniqueLabel('lgv'), sgd.name),
          cost: 1 + spec.lgv.epochs / spec.recipe.epochs
        }
        continue
      }
      const m = model(studySurrogateName(row, arch))
      rows[row] = {
        accuracy: m.accuracy,
        transfer: transferOf(BIM_LABEL, m.name),
        cost: (m.passes ?? NaN) / sgdPasses,
        ...(m.chosenEpoch ? { chosenEpoch: m.chosenEpoch.epoch } : {})
      }
    }
    const techniques: ArchNumbers['techniques'] = {}
    if (spec.techniques?.surrogates.includes(arch))
      for (const id of spec.techniques.list) {
        const label = techniqueLabel(id)
        techniques[id] = {
          sgd: transferOf(label, sgd.name),
          lsam: transferOf(label, studySurrogateName('l-sam', arch))
        }
      }
    const curve = sgd.epochs.map((e) => ({
      epoch: e.epoch,
      lr: e.lr,
      ...(e.validationTransfer ? { transfer: e.validationTransfer.rate } : {}),
      ...(e.sharpness ? { maxEigenvalue: e.sharpness.maxEigenvalue, trace: e.sharpness.trace } : {})
    }))
    archs[arch] = { rows, techniques, curve }
  }
  return { seed, archs }
}
