import { describe, expect, it } from 'vitest'
import {
  ATTACK_LOOP_FACTOR,
  estimateStudyTime,
  studyDatasetSize,
  TRAINING_LOOP_FACTOR
} from '../../../main/contract/study-estimate'
import { studyPreset } from '../../../main/contract/study-presets'
import { StudySpec } from '../../../main/contract/study-spec'

const speed = { trainImagesPerSecond: 1000, gradientsPerSecond: 2000 }
const spec = StudySpec.parse(studyPreset('fashion-mnist'))
const size = studyDatasetSize(spec)!
const estimate = (workers: number, s = spec) => estimateStudyTime(s, size, () => speed, workers)
const part = (label: string) => estimate(1).perSeed.find((p) => p.label === label)!

describe('study estimate: parts, then the seeds replayed on the worker pool', () => {
  it('times each part from its passes, the measured throughput and the loop factor', () => {
    const sgd = part('train sgd on small-cnn')
    expect(sgd.seconds).toBeCloseTo((sgd.passes / 1000) * TRAINING_LOOP_FACTOR)
    const probe = part('per-epoch validation transfer of sgd on small-cnn')
    const steps = spec.validation.attack?.steps ?? spec.attack.steps
    expect(probe.passes).toBe(spec.recipe.epochs * spec.validation.examples * steps)
    expect(probe.seconds).toBeCloseTo((probe.passes / 2000) * ATTACK_LOOP_FACTOR)
    expect(part('train sam on small-cnn').passes).toBeCloseTo(
      2 * (sgd.passes - (24 * size.test) / 3) + (24 * size.test) / 3
    )
  })

  it('one worker takes every part in turn; two take at least half of that and wait at each seed', () => {
    const one = estimate(1)
    expect(one.poolSeconds).toBeCloseTo(one.totalSeconds!)
    const two = estimate(2)
    expect(two.workers).toBe(2)
    expect(two.poolSeconds!).toBeGreaterThanOrEqual(one.totalSeconds! / 2)
    expect(two.poolSeconds!).toBeLessThan(one.totalSeconds!)
    // A third seed adds one later seed's wall time, not a share of the whole.
    const four = estimate(
      2,
      StudySpec.parse({ ...studyPreset('fashion-mnist'), seeds: [1, 2, 3, 4] })
    )
    const perSeed = four.poolSeconds! - two.poolSeconds!
    const perSeedWork = one.perSeed.reduce((a, p) => a + p.seconds!, 0)
    expect(perSeed).toBeGreaterThanOrEqual(perSeedWork / 2)
  })

  it('runs the per-epoch probes inside the SGD training: a costly probe lengthens that task', () => {
    const heavy = StudySpec.parse({
      ...studyPreset('fashion-mnist'),
      track: { sharpness: { examples: 2000, iterations: 100, hutchinsonSamples: 100 } }
    })
    const e = estimate(2, heavy)
    const sharp = e.perSeed.find((p) => p.label === 'per-epoch sharpness of sgd on small-cnn')!
    const sgd = e.perSeed.find((p) => p.label === 'train sgd on small-cnn')!
    // Each seed waits for its SGD task (training + probes), which no second worker can share.
    expect(e.poolSeconds!).toBeGreaterThanOrEqual(3 * (sgd.seconds! + sharp.seconds!))
  })

  it('has no figure while a throughput is missing', () => {
    const e = estimateStudyTime(spec, size, (arch) => (arch === 'mlp' ? undefined : speed), 2)
    expect([e.totalSeconds, e.poolSeconds]).toEqual([null, null])
  })
})
