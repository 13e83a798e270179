/**
 * The surrogate rows of a study's Table 3 (Gubri et al., arXiv 2304.02688, Table 3 and §5), each
 * with how the study produces it from one seed's audit:
 * - trained: a surrogate trained with the row's minimizer (paper hyper-parameters, training-presets.ts);
 * - derived: read from the SGD surrogate's own checkpoints (early-stopped SGD, SWA), no second training;
 * - lgv: the LGV attack on the SGD surrogate, whose members are collected from it (Gubri et al. 2022).
 */
import type { MinimizerSpec } from './minimizer-spec'
import { TRAINING_PRESETS } from './training-presets'

export const STUDY_ROWS = [
  'sgd',
  'sgd-early-stopped',
  'swa',
  'sam',
  'l-sam',
  'l-sam-0.4',
  'asam',
  'gsam',
  'looksam',
  'sat',
  'lgv'
] as const
export type StudyRowId = (typeof STUDY_ROWS)[number]

/** The rows of the fashion-mnist preset; `--full` adds the others. */
export const CORE_ROWS: readonly StudyRowId[] = [
  'sgd',
  'sgd-early-stopped',
  'sam',
  'l-sam',
  'swa',
  'lgv'
]

export type RowSource =
  | { kind: 'trained'; minimizer: MinimizerSpec }
  | { kind: 'derived'; method: 'early-stopped' | 'swa' }
  | { kind: 'lgv' }

export interface StudyRow {
  id: StudyRowId
  label: string
  source: RowSource
}

function trained(id: StudyRowId, presetId: string): StudyRow {
  const preset = TRAINING_PRESETS.find((p) => p.id === presetId)
  if (!preset) throw new Error(`Error in study-rows: no training preset "${presetId}"`)
  return { id, label: preset.label, source: { kind: 'trained', minimizer: preset.minimizer } }
}

export const STUDY_ROW_INFO: Record<StudyRowId, StudyRow> = {
  sgd: trained('sgd', 'sgd'),
  'sgd-early-stopped': {
    id: 'sgd-early-stopped',
    label: 'Early-stopped SGD',
    source: { kind: 'derived', method: 'early-stopped' }
  },
  swa: { id: 'swa', label: 'SWA', source: { kind: 'derived', method: 'swa' } },
  sam: trained('sam', 'sam'),
  'l-sam': trained('l-sam', 'l-sam'),
  'l-sam-0.4': trained('l-sam-0.4', 'l-sam-0.4'),
  asam: trained('asam', 'asam'),
  gsam: trained('gsam', 'gsam'),
  looksam: trained('looksam', 'looksam'),
  sat: trained('sat', 'sat'),
  lgv: { id: 'lgv', label: 'LGV (from SGD)', source: { kind: 'lgv' } }
}

/** Rows read from the SGD surrogate, which therefore needs the sgd row. */
export const ROWS_FROM_SGD: readonly StudyRowId[] = ['sgd-early-stopped', 'swa', 'lgv']

/** The surrogate of `row` on `arch` in a seed's audit, e.g. "l-sam.small-cnn"; derived and LGV rows name their own. */
export function studySurrogateName(row: StudyRowId, arch: string): string {
  return `${row}.${arch}`
}
