import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import {
  argmaxRows,
  preprocessBatch,
  TargetPreprocessing
} from '../../../../main/engine/targets/target-preprocessing'

beforeAll(async () => {
  await initBackend()
})

describe('preprocessBatch', () => {
  it('maps [0,1] pixels to the range, then mean/std, then NCHW', () => {
    const prep = TargetPreprocessing.parse({ range: [0, 255], mean: [100, 0], std: [2, 1] })
    const x = tf.tensor4d([0, 1, 0.5, 0.5], [1, 1, 2, 2]) // two pixels, two channels
    const y = preprocessBatch(x, prep, 'NCHW', [1, 2, 2])
    expect(y.shape).toEqual([1, 2, 1, 2])
    // channel 0: (0·255 − 100)/2, (0.5·255 − 100)/2; channel 1: 255, 127.5
    expect(Array.from(y.dataSync())).toEqual([-50, 13.75, 255, 127.5])
    tf.dispose([x, y])
  })

  it('resizes and turns gray into RGB when the model wants another shape', () => {
    const x = tf.ones([2, 4, 4, 1]) as tf.Tensor4D
    const y = preprocessBatch(x, TargetPreprocessing.parse({ resize: true }), 'NHWC', [8, 8, 3])
    expect(y.shape).toEqual([2, 8, 8, 3])
    expect(tf.tidy(() => tf.min(y).dataSync()[0])).toBeCloseTo(1, 6)
    tf.dispose([x, y])
  })
})

describe('argmaxRows', () => {
  it('takes the best score per row and maps it through classMap', () => {
    const scores = new Float32Array([0.1, 0.7, 0.2, 3, -1, 0])
    expect(Array.from(argmaxRows(scores, 3))).toEqual([1, 0])
    expect(Array.from(argmaxRows(scores, 3, [2, 0, 1]))).toEqual([0, 2])
  })
})
