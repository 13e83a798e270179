/**
 * A model Flatline trained itself (a run's `models/<name>/`: manifest.json + weights.bin) used as a
 * target, behind the same interface as ONNX and TensorFlow.js targets.
 *
 * Its preprocessing is implicit: the classifier takes the audit's [0,1] NHWC pixels and normalises
 * inside, so the default preprocessing (range [0,1], no mean/std, logits) is the identity. A stated
 * preprocessing is still applied on top (the check's diagnosis tries variants through it), but the
 * layout can only be NHWC. Loading goes through loadClassifier, which verifies the weights' sha256.
 */
import * as tf from '@tensorflow/tfjs-core'
import { loadClassifier } from '../models/model-io'
import { EVAL } from '../models/forward-context'
import { checkChannelValues } from './check-channel-values'
import { TargetImportError, type TargetModel } from './target-model'
import { argmaxRows, preprocessBatch, type TargetPreprocessing } from './target-preprocessing'

export async function loadFlatlineTarget(
  dir: string,
  preprocessing: TargetPreprocessing
): Promise<TargetModel & { sha256: string; params: number }> {
  if (preprocessing.layout === 'NCHW')
    throw new TargetImportError(
      dir,
      'a model trained in Flatline takes NHWC images; leave preprocessing.layout out or set it to NHWC.'
    )
  let loaded: Awaited<ReturnType<typeof loadClassifier>>
  try {
    loaded = await loadClassifier(dir)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    throw new TargetImportError(
      dir,
      `cannot load it as a model trained in Flatline (a folder with manifest.json and its weights): ${reason}`
    )
  }
  const { model, manifest } = loaded
  const shape = model.config.inputShape
  try {
    checkChannelValues(dir, preprocessing, shape[2])
  } catch (err) {
    model.params.dispose()
    throw err
  }
  const outputClasses = model.config.numClasses
  const scores = async (x: tf.Tensor4D, prep: TargetPreprocessing): Promise<Float32Array> => {
    // Logits whatever `output` says: a stated "probabilities" is reported by the check's row-sum note.
    const out = tf.tidy(() => model.forward(preprocessBatch(x, prep, 'NHWC', shape), EVAL))
    const data = (await out.data()) as Float32Array
    out.dispose()
    return data
  }
  const make = (prep: TargetPreprocessing, owner: boolean): TargetModel => ({
    format: 'flatline',
    inputShape: shape,
    layout: 'NHWC',
    outputClasses,
    preprocessing: prep,
    scores: (x) => scores(x, prep),
    predict: async (x) => argmaxRows(await scores(x, prep), outputClasses, prep.classMap),
    withPreprocessing: (other) => make({ ...other, layout: 'NHWC' }, false),
    dispose: async () => {
      if (owner) model.params.dispose()
    }
  })
  return {
    ...make({ ...preprocessing, layout: 'NHWC' }, true),
    sha256: manifest.sha256,
    params: manifest.params
  }
}
