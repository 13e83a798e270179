import { describe, expect, it } from 'vitest'
import { studySummaryText } from '../../../../main/cli/study-summary'
import type { RunRecord } from '../../../../main/contract/run-record'
import type { StudyRecord } from '../../../../main/contract/study-record'
import { seedTimeParts } from '../../../../main/engine/studies/seed-time'

const epochs = (...seconds: number[]) =>
  seconds.map((s, i) => ({
    epoch: i + 1,
    loss: 1,
    trainAccuracy: 0.5,
    testAccuracy: 0.5,
    lr: 0.1,
    seconds: s
  }))

// Only the fields seedTimeParts reads: the spec's model names, the models' epochs and the task timings.
const run = {
  spec: {
    targets: [{ name: 'max-cnn' }],
    validation: { targets: [{ name: 'val-cnn' }] },
    derivedSurrogates: [
      { name: 'sgd-early-stopped.small-cnn', from: 'sgd.small-cnn', method: 'early-stopped' }
    ]
  },
  results: {
    models: [
      { name: 'sgd.small-cnn', epochs: epochs(10, 10) },
      // Resumed: its epochs (60 s over both passes) exceed this pass's task time (30 s).
      { name: 'l-sam.small-cnn', epochs: epochs(30, 30) }
    ]
  },
  timings: {
    total: 200,
    'train-max-cnn': 40,
    'train-val-cnn': 20,
    'train-sgd.small-cnn': 26,
    'train-l-sam.small-cnn': 30,
    'train-sgd-early-stopped.small-cnn': 2,
    evaluate: 3,
    'lgv-sgd.small-cnn': 7,
    'attack-sgd.small-cnn': 11,
    'attack-2-l-sam.small-cnn': 5
  }
} as unknown as RunRecord

describe("a seed's time by part", () => {
  it('sorts task seconds into the parts of the estimate, splitting a training into its epochs and its probes', () => {
    expect(seedTimeParts(run)).toEqual({
      'target training': 60,
      'surrogate training': 50, // 20 s of epochs of sgd, all 30 s of the resumed l-sam pass
      'per-epoch probes and checkpoints': 6, // sgd's 26 s task less its 20 s of epochs
      'derived surrogates': 2,
      evaluation: 3,
      'LGV collection': 7,
      attacks: 16
    })
  })

  it('is printed by npm run study as a table over the seeds, largest part first, with each seed wall time', () => {
    const study = {
      name: 'quick study',
      status: 'completed',
      spec: { seeds: [1, 2] },
      results: { seeds: [1, 2], table3: [], table4: [] },
      claims: [],
      timings: { total: 400 },
      seeds: [
        { seed: 1, status: 'completed', seconds: 240, time: seedTimeParts(run) },
        {
          seed: 2,
          status: 'completed',
          seconds: 120,
          time: { 'surrogate training': 60, attacks: 30 }
        }
      ]
    } as unknown as StudyRecord
    const text = studySummaryText(study)
    expect(text).toContain('seed 1 4.0 min, seed 2 2.0 min')
    const lines = text.slice(text.indexOf('Where the time went')).split('\n').slice(2)
    expect(lines[0]).toMatch(/^surrogate training\s+1\.8\s+47 %$/) // (50 + 60) s of 234 s
    expect(lines[1]).toMatch(/^target training\s+1\.0\s+26 %$/)
    expect(lines).toHaveLength(7)
  })
})
