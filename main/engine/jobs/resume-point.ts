/**
 * Where one model of a resumed run picks up (issue 3): its final saved model when that manifest
 * exists and its weights verify (sha256), else its newest checkpoint whose weights and training
 * state both read back, else nothing (train from scratch). Every unusable file passed over is
 * noted, so the run's progress can say why a model restarted from an older epoch.
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { EpochMetrics } from '../../contract/job-events'
import type { Classifier } from '../models/classifier'
import { loadClassifier, type ModelManifest } from '../models/model-io'
import {
  disposeTrainingState,
  loadTrainingState,
  removeTrainingState,
  saveTrainingState,
  type TrainingState
} from '../training/training-state'

export type ResumePoint =
  | {
      kind: 'trained'
      model: Classifier
      manifest: ModelManifest
      history: EpochMetrics[]
      notes: string[]
    }
  | {
      kind: 'checkpoint'
      model: Classifier
      state: TrainingState
      history: EpochMetrics[]
      notes: string[]
    }
  | { kind: 'scratch'; notes: string[] }

/** The folder of one epoch's checkpoint, as run-audit writes it. */
export function checkpointDir(modelDir: string, epoch: number): string {
  return join(modelDir, 'checkpoints', `epoch-${String(epoch).padStart(3, '0')}`)
}

/**
 * Saves the training state next to its epoch's weights and drops the state of two epochs back: each
 * is as large as the weights or more, and the newest two are enough (if one is damaged, the other).
 */
export async function saveResumeState(modelDir: string, state: TrainingState): Promise<void> {
  await saveTrainingState(checkpointDir(modelDir, state.epoch), state)
  if (state.epoch > 2) await removeTrainingState(checkpointDir(modelDir, state.epoch - 2))
}

/** Finds the furthest usable point for the model saved under `modelDir`, expected to have this architecture. */
export async function findResumePoint(
  modelDir: string,
  expected: { arch: string; width: number }
): Promise<ResumePoint> {
  const notes: string[] = []
  const fits = (manifest: ModelManifest): void => {
    if (manifest.config.arch !== expected.arch || manifest.config.width !== expected.width)
      throw new Error(
        `it holds a ${manifest.config.arch} of width ${manifest.config.width}, the spec a ${expected.arch} of width ${expected.width}`
      )
  }
  if (await hasFile(modelDir, 'manifest.json')) {
    try {
      const { model, manifest } = await loadClassifier(modelDir)
      try {
        fits(manifest)
      } catch (error) {
        model.params.dispose()
        throw error
      }
      return { kind: 'trained', model, manifest, history: manifest.metrics, notes }
    } catch (error) {
      notes.push(`the saved model is unusable (${messageOf(error)})`)
    }
  }
  for (const { name, epoch } of await checkpointsNewestFirst(modelDir)) {
    let model: Classifier | undefined
    try {
      const loaded = await loadClassifier(join(modelDir, 'checkpoints', name))
      model = loaded.model
      fits(loaded.manifest)
      const state = await loadTrainingState(join(modelDir, 'checkpoints', name))
      if (state.epoch !== epoch) {
        const found = state.epoch
        disposeTrainingState(state)
        throw new Error(`its training state is for epoch ${found}`)
      }
      return { kind: 'checkpoint', model, state, history: state.history, notes }
    } catch (error) {
      model?.params.dispose()
      notes.push(`checkpoint ${name} is unreadable (${messageOf(error)})`)
    }
  }
  return { kind: 'scratch', notes }
}

/** One line for the progress detail: where training resumes and what was skipped on the way. */
export function describeResumePoint(point: ResumePoint, epochs: number): string {
  const where =
    point.kind === 'trained'
      ? 'already trained: reusing the saved model'
      : point.kind === 'checkpoint'
        ? `resuming after epoch ${point.state.epoch}/${epochs}`
        : 'no usable checkpoint: training from scratch'
  return point.notes.length ? `${where}; ${point.notes.join('; ')}` : where
}

async function checkpointsNewestFirst(
  modelDir: string
): Promise<{ name: string; epoch: number }[]> {
  let names: string[]
  try {
    names = await readdir(join(modelDir, 'checkpoints'))
  } catch {
    return []
  }
  return names
    .filter((n) => /^epoch-\d+$/.test(n))
    .map((name) => ({ name, epoch: Number(name.slice('epoch-'.length)) }))
    .sort((a, b) => b.epoch - a.epoch)
}

async function hasFile(dir: string, name: string): Promise<boolean> {
  try {
    return (await readdir(dir)).includes(name)
  } catch {
    return false
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
