/**
 * The import check of an ONNX surrogate: the engine's forward pass against onnxruntime's on the
 * same images, as the largest difference between raw outputs and the top-1 agreement. A model
 * that disagrees is refused with both numbers: attacking it would attack some other model.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { OnnxAgreement } from '../../contract/run-record'
import { batchTensors, range, type ImageSplit } from '../data/dataset'
import { Rng } from '../data/rng'
import { EVAL } from '../models/forward-context'
import { loadOnnxTarget } from '../targets/onnx-target'
import type { OnnxClassifier } from './onnx-classifier'
import { OnnxImportError } from './onnx-import-error'

/** Images of the check: a seeded sample of the test split. */
export const AGREEMENT_IMAGES = 100
/** Allowed largest difference, relative to the largest |output| (float32 arithmetic in another order). */
export const AGREEMENT_TOLERANCE = 1e-3
/** Required top-1 agreement. */
export const AGREEMENT_TOP1 = 0.99

function argmax(scores: Float32Array, classes: number, row: number): number {
  let best = 0
  for (let k = 1; k < classes; k++)
    if (scores[row * classes + k] > scores[row * classes + best]) best = k
  return best
}

/** Compares two [n, classes] score matrices. */
export function compareScores(
  ours: Float32Array,
  reference: Float32Array,
  classes: number
): Omit<OnnxAgreement, 'tolerance'> {
  let maxDiff = 0
  let scale = 0
  for (let i = 0; i < reference.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(ours[i] - reference[i]))
    scale = Math.max(scale, Math.abs(reference[i]))
  }
  const n = reference.length / classes
  let agree = 0
  for (let r = 0; r < n; r++)
    if (argmax(ours, classes, r) === argmax(reference, classes, r)) agree++
  return { images: n, maxLogitDifference: maxDiff, top1Agreement: agree / n, scale }
}

/** The engine's raw outputs for `indices` of a split, in batches. */
export async function engineScores(
  model: OnnxClassifier,
  split: ImageSplit,
  indices: number[],
  batch = 25
): Promise<Float32Array> {
  const parts: Float32Array[] = []
  for (let start = 0; start < indices.length; start += batch) {
    const out = tf.tidy(() =>
      model.rawScores(batchTensors(split, indices.slice(start, start + batch)).x, EVAL)
    )
    parts.push((await out.data()) as Float32Array)
    out.dispose()
  }
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((offset, p) => (all.set(p, offset), offset + p.length), 0)
  return all
}

/** Runs the check on a seeded sample of `split`; throws OnnxImportError with both numbers when they disagree. */
export async function checkForwardAgreement(
  model: OnnxClassifier,
  file: string,
  split: ImageSplit,
  images = AGREEMENT_IMAGES
): Promise<OnnxAgreement> {
  const indices = new Rng(0).shuffle(range(split.count)).slice(0, Math.min(images, split.count))
  const reference = await loadOnnxTarget(file, model.config.onnx.preprocessing)
  let refScores: Float32Array
  const x = batchTensors(split, indices).x
  try {
    refScores = await reference.scores(x)
  } finally {
    x.dispose()
    await reference.dispose()
  }
  const ours = await engineScores(model, split, indices)
  const result = compareScores(ours, refScores, model.graphOutputs)
  const tolerance = AGREEMENT_TOLERANCE * Math.max(1, result.scale ?? 0)
  if (result.maxLogitDifference > tolerance || result.top1Agreement < AGREEMENT_TOP1)
    throw new OnnxImportError(
      file,
      `the engine's forward pass disagrees with onnxruntime on ${result.images} check images: largest output difference ` +
        `${result.maxLogitDifference.toPrecision(3)} (allowed ${tolerance.toPrecision(3)}), top-1 agreement ${(result.top1Agreement * 100).toFixed(1)} % ` +
        `(required ${AGREEMENT_TOP1 * 100} %). Attacking it would attack a different model: use it as a target only, and report the model.`
    )
  return { ...result, tolerance }
}
