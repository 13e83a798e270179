// @vitest-environment jsdom
import type { ThroughputRequest } from '@contract/throughput'
import { AuditSpec } from '@contract/audit-spec'
import { FineTuneSpec } from '@contract/onnx-surrogate'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useAuditFormStore } from '../../../../../renderer/src/stores/audit-form'
import { useJobStore } from '../../../../../renderer/src/stores/job'
import {
  MEASURE_DEBOUNCE_MS,
  useTimeEstimateStore
} from '../../../../../renderer/src/stores/time-estimate'
import { installFakeApiWithDemo, loadDemoSpec } from '../../demo-spec-fixture'
import type { FakeApi } from '../../fake-api'

const demo = loadDemoSpec()
let fake: FakeApi
let asked: ThroughputRequest[]

/** 600 training images/s and 1500 gradients/s per unit of width 16, so each model gets its own figure. */
beforeEach(() => {
  fake = installFakeApiWithDemo(demo)
  asked = []
  fake.api.engine.measureThroughput = async (request) => {
    asked.push(request)
    // An imported ONNX surrogate: 60 training images/s and 150 gradients/s (a bigger model).
    const scale = request.width ? 16 / request.width : 0.1
    return {
      trainImagesPerSecond: 600 * scale,
      gradientsPerSecond: 1500 * scale,
      seconds: 1,
      backend: 'fake backend'
    }
  }
})
afterEach(() => vi.useRealTimers())

async function open() {
  const form = useAuditFormStore()
  await form.openForm()
  return { form, draft: form.draft!, times: useTimeEstimateStore() }
}

describe('useTimeEstimateStore', () => {
  it('measures each distinct model once with the dataset shape and its batch size, then estimates the demo audit', async () => {
    const { times } = await open()
    expect(times.stateOf('surrogates', 0)).toEqual({ status: 'measuring' })
    expect(times.estimate?.totalSeconds).toBeNull()
    await times.measureNow()
    expect(asked.map((r) => (r.arch ? [r.arch, r.width] : []))).toEqual([
      ['small-cnn', 16],
      ['small-cnn', 24],
      ['small-resnet', 16]
    ])
    expect(asked[0]).toMatchObject({ inputShape: [28, 28, 1], numClasses: 10, batchSize: 64 })
    // Demo: 4000 training images, 8 SGD epochs each; BIM (deterministic: one repeat), 50 steps, 500 examples.
    const spec = AuditSpec.parse(demo)
    expect(spec.dataset.trainLimit).toBe(4000)
    const train = (width: number) => (8 * 4000) / ((600 * 16) / width)
    const attack = (500 * 50) / 1500
    const [sur, t1, t2] = times.estimate!.models
    expect(sur.trainSeconds).toBeCloseTo(train(16), 9)
    expect(t1.trainSeconds).toBeCloseTo(train(24), 9)
    expect(t2.trainSeconds).toBeCloseTo(train(16), 9)
    expect(sur.attackSeconds).toBeCloseTo(attack, 9)
    expect(times.estimate!.totalSeconds).toBeCloseTo(train(16) + train(24) + train(16) + attack, 9)
    expect(times.backend).toBe('fake backend')
    // Asking again measures nothing new.
    await times.measureNow()
    expect(asked).toHaveLength(3)
  })

  it('waits for the user to stop typing before measuring a changed width', async () => {
    vi.useFakeTimers()
    const { draft, times } = await open()
    await vi.advanceTimersByTimeAsync(MEASURE_DEBOUNCE_MS + 10)
    expect(asked).toHaveLength(3)
    draft.surrogates[0].width = 3
    await vi.advanceTimersByTimeAsync(100)
    draft.surrogates[0].width = 32
    await vi.advanceTimersByTimeAsync(MEASURE_DEBOUNCE_MS / 2)
    expect(asked).toHaveLength(3)
    await vi.advanceTimersByTimeAsync(MEASURE_DEBOUNCE_MS)
    expect(asked.slice(3).map((r) => r.width)).toEqual([32])
    expect(times.stateOf('surrogates', 0)).toMatchObject({
      status: 'ready',
      estimate: { trainImagesPerSecond: 300 }
    })
  })

  it('does not measure while an audit runs (it would skew the figure and slow the audit)', async () => {
    const { times } = await open()
    await useJobStore().start(demo)
    expect(useJobStore().active).toBe(true)
    await times.measureNow()
    expect(asked).toHaveLength(0)
    expect(times.stateOf('surrogates', 0)).toEqual({ status: 'measuring' })
  })

  it('reports a failed measurement and gives no total; gives no estimate for a dataset of unknown size', async () => {
    fake.api.engine.measureThroughput = async () => {
      throw new Error('engine is busy')
    }
    const { draft, times } = await open()
    await times.measureNow()
    expect(times.stateOf('targets', 1)).toEqual({
      status: 'failed',
      message: expect.stringMatching(/engine is busy/)
    })
    expect(times.estimate?.totalSeconds).toBeNull()
    draft.dataset = { ...draft.dataset, source: 'cifar-binary', path: '/data/cifar' }
    expect(times.estimate).toBeNull()
  })

  it('sums the attack over a queue of stacks when one is built', async () => {
    const { draft, times } = await open()
    draft.queue = [
      { eps: 16 / 255, steps: 50, maxExamples: 500 },
      { eps: 16 / 255, steps: 20, maxExamples: 500, stack: { si: { copies: 5 } } }
    ]
    await times.measureNow()
    expect(times.estimate!.models[0].attackPasses).toBe(500 * 50 + 500 * 20 * 5)
  })

  it('measures an imported ONNX surrogate once for it and its fine-tuned copy, and counts its attack and fine-tuning', async () => {
    const { draft, times } = await open()
    const imported = {
      name: 'resnet-onnx',
      format: 'onnx' as const,
      path: '/ws/zoo/targets/resnet-onnx/model.onnx',
      preprocessing: { resize: false, range: [0, 1] as [number, number], output: 'logits' as const }
    }
    draft.importedSurrogates = [
      imported,
      { ...imported, name: 'resnet-onnx-l-sam', fineTune: FineTuneSpec.parse({ preset: 'l-sam' }) }
    ]
    await times.measureNow()
    const onnx = asked.filter((r) => r.onnx)
    expect(onnx).toEqual([
      {
        onnx: { path: imported.path, preprocessing: imported.preprocessing },
        inputShape: [28, 28, 1],
        numClasses: 10,
        batchSize: 64
      }
    ])
    const [, asImported, fineTuned] = times.estimate!.models
    expect([asImported.name, fineTuned.name]).toEqual(['resnet-onnx', 'resnet-onnx-l-sam'])
    const attack = (500 * 50) / 150
    expect(asImported.trainSeconds).toBe(0)
    expect(asImported.attackSeconds).toBeCloseTo(attack, 9)
    // l-SAM: 3 epochs over the 4000 training images, 2 passes per image and step.
    expect(fineTuned.trainPasses).toBe(2 * 3 * 4000)
    expect(fineTuned.trainSeconds).toBeCloseTo((2 * 3 * 4000) / 60, 9)
    expect(fineTuned.attackSeconds).toBeCloseTo(attack, 9)
    const parts = times.estimate!.models.flatMap((m) => [m.trainSeconds!, m.attackSeconds ?? 0])
    expect(times.estimate!.totalSeconds).toBeCloseTo(
      parts.reduce((a, b) => a + b, 0),
      6
    )
    expect(times.stateOf('surrogates', 2)).toMatchObject({ status: 'ready' })
    expect(times.stateOf('surrogates', 1)).toMatchObject({ status: 'ready' })
  })

  it('counts LGV collection (epochs of SGD over the training set) and its passes per iteration', async () => {
    const { form, draft, times } = await open()
    draft.enabled.lgv = true
    expect(form.spec?.attack?.stack?.lgv).toEqual({
      sources: [],
      nGrad: 1,
      collect: { epochs: 10, perEpoch: 4, lr: 0.05, batchSize: 256 }
    })
    expect(form.valid).toBe(true)
    draft.lgv!.collect!.epochs = 2
    await times.measureNow()
    const sur = times.estimate!.models[0]
    expect(sur.lgvPasses).toBe(2 * 4000)
    expect(sur.lgvSeconds).toBeCloseTo((2 * 4000) / 600, 9)
    // LGV is randomised, so the attack runs the 3 default repeats.
    expect(sur.attackSeconds).toBeCloseTo((500 * 50 * 3) / 1500, 9)
  })
})

describe('audit form LGV', () => {
  it('needs member folders or collection: unticking collection without folders is an error at attack.stack.lgv', async () => {
    const { form, draft } = await open()
    draft.enabled.lgv = true
    form.setLgvCollect(false)
    expect(form.spec?.attack?.stack?.lgv).toEqual({ sources: [], nGrad: 1 })
    expect(form.errorAt('attack.stack.lgv')).toMatch(
      /no member folders for surrogate "surrogate-cnn".*collect from the trained surrogate/
    )
    expect(form.valid).toBe(false)
    form.setLgvCollect(true)
    expect(form.errorAt('attack.stack.lgv')).toBeUndefined()
    expect(AuditSpec.parse(form.spec).attack.stack.lgv?.collect?.perEpoch).toBe(4)
  })
})
