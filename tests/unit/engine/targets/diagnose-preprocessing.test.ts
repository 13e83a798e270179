import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageSplit } from '../../../../main/engine/data/dataset'
import { channelStats, diagnosePreprocessing, predictSplit } from '../../../../main/engine/targets/diagnose-preprocessing'
import { seededSample } from '../../../../main/engine/targets/check-target'
import type { TargetModel } from '../../../../main/engine/targets/target-model'
import { TargetPreprocessing } from '../../../../main/engine/targets/target-preprocessing'
import { tinyDataset } from '../../helpers/tiny-data'

/**
 * A model that knows every sample image's label (by its pixel sum) and answers correctly only under
 * the preprocessing it "expects"; otherwise it answers class 0. Enough to see which variant the
 * diagnosis names, without training anything.
 */
function oracle(sample: ImageSplit, layout: 'NCHW' | 'NHWC', expects: (p: TargetPreprocessing) => boolean, prep: TargetPreprocessing): TargetModel {
  const size = sample.height * sample.width * sample.channels
  const bySum = new Map<number, number>()
  for (let i = 0; i < sample.count; i++) bySum.set(Math.round(sample.images.subarray(i * size, (i + 1) * size).reduce((a, b) => a + b, 0)), sample.labels[i])
  const make = (p: TargetPreprocessing): TargetModel => ({
    format: 'onnx',
    inputShape: [sample.height, sample.width, sample.channels],
    layout,
    outputClasses: 10,
    preprocessing: p,
    predict: async (x) => {
      const sums = tf.tidy(() => tf.sum(tf.mul(x, 255), [1, 2, 3]).dataSync())
      return Int32Array.from(sums, (s) => (expects(p) ? (bySum.get(Math.round(s)) ?? 0) : 0))
    },
    scores: async () => new Float32Array(),
    withPreprocessing: (other) => make({ ...other, layout }),
    dispose: async () => undefined
  })
  return make({ ...prep, layout })
}

let sample: ImageSplit
beforeAll(async () => {
  await initBackend()
  sample = seededSample((await tinyDataset(8, 100)).test, 60, 0)
})

async function diagnose(model: TargetModel, other?: TargetModel) {
  const predictions = await predictSplit(model, sample)
  return diagnosePreprocessing({ target: model, sample, predictions, accuracy: 0.1, classes: 10, loadOtherLayout: other ? async () => other : undefined })
}

describe('diagnosePreprocessing', () => {
  it('names the other layout when the model loads both ways and only the other one works', async () => {
    const prep = TargetPreprocessing.parse({})
    const nhwc = oracle(sample, 'NHWC', () => false, prep)
    const nchw = oracle(sample, 'NCHW', () => true, prep)
    const d = await diagnose(nhwc, nchw)
    expect(d).toMatchObject({ likelyCause: 'layout', fix: { layout: 'NCHW' }, fixedAccuracy: 1 })
    expect(d.message).toBe('accuracy 10.0 % on 60 test images is near chance (10.0 %); with layout NCHW it is 100.0 %: the model probably expects NCHW.')
  })

  it("names mean/std normalisation with the dataset's own statistics", async () => {
    const own = channelStats(sample)
    const model = oracle(sample, 'NCHW', (p) => JSON.stringify(p.mean) === JSON.stringify(own.mean) && p.range[1] === 1, TargetPreprocessing.parse({}))
    const d = await diagnose(model)
    expect(d.likelyCause).toBe('normalisation')
    expect(d.fix).toMatchObject({ range: [0, 1], mean: own.mean, std: own.std })
    expect(d.message).toMatch(/the model probably expects inputs normalised with the dataset's mean \[0\.\d+\] \/ std \[0\.\d+\]\.$/)
  })

  it('says so when no usual mistake fixes it', async () => {
    const d = await diagnose(oracle(sample, 'NCHW', () => false, TargetPreprocessing.parse({})))
    expect(d.likelyCause).toBe('unknown')
    expect(d.fix).toBeUndefined()
    expect(d.message).toMatch(/no usual mistake fixes it.*It predicts class 0 for 100\.0 % of images/)
  })
})
