/**
 * Where one seed's audit spent its time, read from its run record: task seconds summed by part of the
 * study (the parts of the time estimate). Tasks on several workers overlap, so the parts add up to
 * more than the seed's wall time. A surrogate's training task splits into its epochs (the training
 * loop) and the rest (per-epoch validation transfer and sharpness, checkpoints); of a resumed task
 * only its last pass is timed, so its epochs count at most that long.
 */
import type { RunRecord } from '../../contract/run-record'
import type { SeedTimePart } from '../../contract/study-record'
import { EVALUATE_TASK_ID } from '../tasks/kinds/evaluate-task'
import { trainTaskId } from '../tasks/kinds/train-task'

export function seedTimeParts(run: RunRecord): Partial<Record<SeedTimePart, number>> {
  const parts: Partial<Record<SeedTimePart, number>> = {}
  const add = (part: SeedTimePart, seconds: number): void => {
    if (seconds > 0) parts[part] = (parts[part] ?? 0) + seconds
  }
  const targets = new Set(
    [...run.spec.targets, ...(run.spec.validation?.targets ?? [])].map((t) => trainTaskId(t.name))
  )
  const derived = new Set((run.spec.derivedSurrogates ?? []).map((d) => trainTaskId(d.name)))
  const epochSeconds = new Map(
    (run.results?.models ?? []).map((m) => [
      trainTaskId(m.name),
      m.epochs.reduce((sum, e) => sum + e.seconds, 0)
    ])
  )
  for (const [id, seconds] of Object.entries(run.timings)) {
    if (id === 'total') continue
    if (targets.has(id)) add('target training', seconds)
    else if (derived.has(id)) add('derived surrogates', seconds)
    else if (id.startsWith('train-')) {
      const epochs = Math.min(epochSeconds.get(id) ?? seconds, seconds)
      add('surrogate training', epochs)
      add('per-epoch probes and checkpoints', seconds - epochs)
    } else if (id === EVALUATE_TASK_ID) add('evaluation', seconds)
    else if (id.startsWith('lgv-')) add('LGV collection', seconds)
    else if (id.startsWith('attack-')) add('attacks', seconds)
    else add('other', seconds)
  }
  return parts
}
