import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageSplit } from '../../../../main/engine/data/dataset'
import {
  accuracyOf,
  channelStats,
  clearlyBetter,
  judgePreprocessing,
  predictSplit,
  tryPreprocessingCandidates,
  type Candidate
} from '../../../../main/engine/targets/diagnose-preprocessing'
import { seededSample } from '../../../../main/engine/targets/check-target'
import type { TargetModel } from '../../../../main/engine/targets/target-model'
import { TargetPreprocessing } from '../../../../main/engine/targets/target-preprocessing'
import { tinyDataset } from '../../helpers/tiny-data'

/**
 * A model that knows every sample image's label (by its pixel sum) and answers correctly only under
 * the preprocessing it "expects"; otherwise it answers class 0. Enough to see which variant the
 * diagnosis names, without training anything.
 */
function oracle(
  sample: ImageSplit,
  layout: 'NCHW' | 'NHWC',
  expects: (p: TargetPreprocessing) => boolean,
  prep: TargetPreprocessing
): TargetModel {
  const size = sample.height * sample.width * sample.channels
  const bySum = new Map<number, number>()
  for (let i = 0; i < sample.count; i++)
    bySum.set(
      Math.round(sample.images.subarray(i * size, (i + 1) * size).reduce((a, b) => a + b, 0)),
      sample.labels[i]
    )
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
  const accuracy = accuracyOf(predictions, sample.labels)
  const candidates = await tryPreprocessingCandidates({
    target: model,
    sample,
    predictions,
    classes: 10,
    loadOtherLayout: other ? async () => other : undefined
  })
  const total = sample.count
  return {
    ...judgePreprocessing({
      accuracy,
      correct: Math.round(accuracy * total),
      total,
      chance: 0.1,
      candidates,
      predictions
    })!,
    accuracy
  }
}

describe('tryPreprocessingCandidates and judgePreprocessing', () => {
  it('names the other layout when the model loads both ways and only the other one works', async () => {
    const prep = TargetPreprocessing.parse({})
    const nhwc = oracle(sample, 'NHWC', () => false, prep)
    const nchw = oracle(sample, 'NCHW', () => true, prep)
    const d = await diagnose(nhwc, nchw)
    expect(d).toMatchObject({ likelyCause: 'layout', fix: { layout: 'NCHW' }, fixedAccuracy: 1 })
    const declared = `${(100 * d.accuracy).toFixed(1)} % (${Math.round(d.accuracy * 60)}/60)`
    expect(d.message).toBe(
      `accuracy ${declared} is near chance (10.0 %); with layout NCHW it is 100.0 % (60/60) against ${declared} as declared: the model probably expects NCHW.`
    )
  })

  it("names mean/std normalisation with the dataset's own statistics", async () => {
    const own = channelStats(sample)
    const model = oracle(
      sample,
      'NCHW',
      (p) => JSON.stringify(p.mean) === JSON.stringify(own.mean) && p.range[1] === 1,
      TargetPreprocessing.parse({})
    )
    const d = await diagnose(model)
    expect(d.likelyCause).toBe('normalisation')
    expect(d.fix).toMatchObject({ range: [0, 1], mean: own.mean, std: own.std })
    expect(d.message).toMatch(
      /the model probably expects inputs normalised with the dataset's mean \[0\.\d+\] \/ std \[0\.\d+\]\.$/
    )
  })

  it('says so when no usual mistake fixes it', async () => {
    const d = await diagnose(oracle(sample, 'NCHW', () => false, TargetPreprocessing.parse({})))
    expect(d.likelyCause).toBe('unknown')
    expect(d.fix).toBeUndefined()
    expect(d.message).toMatch(
      /no usual mistake fixes it.*It predicts class 0 for 100\.0 % of images/
    )
  })
})

/** A candidate as tryPreprocessingCandidates makes it, scored on 500 images. */
function candidate(
  change: string,
  correct: number,
  rank: number,
  fix: Candidate['fix']
): Candidate {
  const likelyCause = fix.mean ? 'normalisation' : 'range'
  return {
    likelyCause,
    change,
    conclusion: `the model probably expects ${change}`,
    fix,
    accuracy: correct / 500,
    correct,
    rank
  }
}
const MINUS_ONE_ONE = candidate('range [-1, 1]', 420, 1, { range: [-1, 1] })
const FMNIST_NORM = candidate("the dataset's mean [0.286] / std [0.353]", 436, 1, {
  range: [0, 1],
  mean: [0.286],
  std: [0.353]
})

describe('judgePreprocessing on the cases of issue 12', () => {
  it('warns above chance when the mean/std is missing (a CNN at 37.0 % that scores 90.8 % with it)', () => {
    const withNorm = candidate("the dataset's mean [0.286] / std [0.353]", 454, 1, {
      range: [0, 1],
      mean: [0.286],
      std: [0.353]
    })
    const d = judgePreprocessing({
      accuracy: 0.37,
      correct: 185,
      total: 500,
      chance: 0.1,
      candidates: [MINUS_ONE_ONE, withNorm]
    })
    expect(d).toMatchObject({
      likelyCause: 'normalisation',
      fix: { mean: [0.286], std: [0.353] },
      fixedAccuracy: 0.908,
      fixedCorrect: 454
    })
    expect(d?.message).toBe(
      "with the dataset's mean [0.286] / std [0.353] it is 90.8 % (454/500) against 37.0 % (185/500) as declared: the model probably expects the dataset's mean [0.286] / std [0.353]."
    )
  })

  it('offers the best fix, not the simpler one, when the best is outside the noise (ResNet: 87.2 % against 84.0 %)', () => {
    const d = judgePreprocessing({
      accuracy: 0.086,
      correct: 43,
      total: 500,
      chance: 0.1,
      candidates: [MINUS_ONE_ONE, FMNIST_NORM]
    })
    expect(d?.fix).toEqual(FMNIST_NORM.fix)
    expect(d?.message).toMatch(
      /^accuracy 8\.6 % \(43\/500\) is near chance \(10\.0 %\); with the dataset's mean .* it is 87\.2 % \(436\/500\) against 8\.6 % \(43\/500\) as declared/
    )
  })

  it('prefers a simpler fix (one change, not two) only within the noise of the best', () => {
    const twoChanges = candidate(
      "range [-1, 1] and the dataset's mean [-0.428] / std [0.706]",
      438,
      2,
      { range: [-1, 1], mean: [-0.428], std: [0.706] }
    )
    expect(
      judgePreprocessing({
        accuracy: 0.086,
        correct: 43,
        total: 500,
        chance: 0.1,
        candidates: [twoChanges, FMNIST_NORM]
      })?.fix
    ).toEqual(FMNIST_NORM.fix)
    const muchBetter = candidate(
      "range [-1, 1] and the dataset's mean [-0.428] / std [0.706]",
      470,
      2,
      { range: [-1, 1], mean: [-0.428], std: [0.706] }
    )
    expect(
      judgePreprocessing({
        accuracy: 0.086,
        correct: 43,
        total: 500,
        chance: 0.1,
        candidates: [FMNIST_NORM, muchBetter]
      })?.fix
    ).toEqual(muchBetter.fix)
  })

  it('stays quiet when no candidate is clearly better: under 5 points, or inside ± 2σ of a small sample', () => {
    const slightly = candidate('range [-1, 1]', 445, 1, { range: [-1, 1] })
    expect(
      judgePreprocessing({
        accuracy: 0.87,
        correct: 435,
        total: 500,
        chance: 0.1,
        candidates: [slightly]
      })
    ).toBeUndefined()
    expect(clearlyBetter(0.7, 0.6, 50)).toBe(false)
    expect(clearlyBetter(0.7, 0.6, 500)).toBe(true)
    expect(clearlyBetter(0.64, 0.6, 5000)).toBe(false)
  })
})
