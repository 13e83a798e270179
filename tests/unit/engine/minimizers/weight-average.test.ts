import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { Swa } from '../../../../main/engine/minimizers/swa'
import { Wasam } from '../../../../main/engine/minimizers/wasam'
import { averagingStart, WeightAverage } from '../../../../main/engine/minimizers/weight-average'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('WeightAverage (training spec §4)', () => {
  it('averages scalar snapshots 1, 2, 3, 4 to 2.5 with the incremental formula (oracle 24)', () => {
    const w = tf.variable(tf.scalar(1))
    const weights = new Map([['w', w]])
    const avg = new WeightAverage()
    for (const value of [1, 2, 3, 4]) {
      w.assign(tf.scalar(value))
      avg.add(weights)
    }
    expect(avg.count).toBe(4)
    expect(avg.assignTo(weights)).toBe(true)
    expect(w.dataSync()[0]).toBeCloseTo(2.5, 6)
    avg.dispose()
    w.dispose()
  })

  it('returns identical snapshots unchanged, and changes nothing when empty (oracle 24)', () => {
    const w = tf.variable(tf.tensor1d([0.1, -3.7, 12.25]))
    const weights = new Map([['w', w]])
    const empty = new WeightAverage()
    expect(empty.assignTo(weights)).toBe(false)
    const before = tf.memory().numTensors
    const avg = new WeightAverage()
    for (let i = 0; i < 5; i++) avg.add(weights)
    expect(tf.memory().numTensors).toBe(before + 1)
    avg.assignTo(weights)
    expect(Array.from(w.dataSync())).toEqual([0.1, -3.7, 12.25].map(Math.fround))
    avg.dispose()
    expect(tf.memory().numTensors).toBe(before)
    w.dispose()
  })

  it('selects epochs 113..150 (38 snapshots) for SWA and 112..150 for WASAM (oracle 26)', () => {
    expect(averagingStart(150, 'after-three-quarters')).toBe(113)
    expect(150 - averagingStart(150, 'after-three-quarters') + 1).toBe(38)
    expect(averagingStart(90, 'after-three-quarters')).toBe(68)
    expect(averagingStart(150, 'from-int-three-quarters')).toBe(112)
    expect(averagingStart(1, 'after-three-quarters')).toBe(1)
    expect(averagingStart(150, 'after-three-quarters', 140)).toBe(140)
  })

  it('SWA averages only the window and swaps the average in at finish, recomputing BN', async () => {
    const w = tf.variable(tf.scalar(0))
    const weights = new Map([['w', w]])
    const base = new SgdMomentum(0, 0)
    const swa = new Swa(base)
    for (let epoch = 1; epoch <= 8; epoch++) {
      w.assign(tf.scalar(epoch))
      swa.endEpoch(epoch, 8, weights)
    }
    let recomputed = 0
    await swa.finish({ weights, recomputeBatchNorm: async () => void recomputed++ })
    expect(w.dataSync()[0]).toBeCloseTo(7.5, 6) // epochs 7 and 8 (> 0.75·8 = 6)
    expect(recomputed).toBe(1)
    swa.dispose()
    const wasam = new Wasam(base, 0.05)
    for (let epoch = 1; epoch <= 8; epoch++) {
      w.assign(tf.scalar(epoch))
      wasam.endEpoch(epoch, 8, weights)
    }
    await wasam.finish({ weights, recomputeBatchNorm: async () => {} })
    expect(w.dataSync()[0]).toBeCloseTo(7, 6) // epochs 6, 7, 8 (≥ int(0.75·8) = 6)
    wasam.dispose()
    base.dispose()
    w.dispose()
  })
})
