/**
 * The throughput the form's estimate divides by, for an imported ONNX surrogate: built from its
 * file as an audit builds it, timed on the active backend.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { ThroughputRequest } from '../../../../main/contract/throughput'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { measureThroughput } from '../../../../main/engine/training/measure-throughput'

beforeAll(async () => {
  await initBackend()
})

const onnx = (path: string): ThroughputRequest =>
  ThroughputRequest.parse({
    onnx: { path, preprocessing: { mean: [0.286], std: [0.353] } },
    inputShape: [28, 28, 1],
    numClasses: 10,
    batchSize: 8,
    iterations: 1
  })

describe('measureThroughput of an imported ONNX surrogate', () => {
  it('builds the graph from its file and times a training step and an input gradient', async () => {
    const t = await measureThroughput(onnx('tests/fixtures/onnx/fmnist-cnn.onnx'))
    expect(t.trainImagesPerSecond).toBeGreaterThan(0)
    expect(t.gradientsPerSecond).toBeGreaterThan(0)
    expect(Number.isFinite(t.trainImagesPerSecond + t.gradientsPerSecond)).toBe(true)
  })

  it('fails naming the file when it cannot be read; refuses an unknown key, and an architecture and a file at once', async () => {
    await expect(measureThroughput(onnx('tests/fixtures/onnx/missing.onnx'))).rejects.toThrow(
      /missing\.onnx/
    )
    expect(() =>
      ThroughputRequest.parse({
        onnx: { path: 'm.onnx', preprocesing: {} },
        inputShape: [28, 28, 1],
        numClasses: 10,
        batchSize: 8
      })
    ).toThrow(/preprocesing/)
    expect(() =>
      ThroughputRequest.parse({
        arch: 'small-cnn',
        width: 8,
        onnx: { path: 'm.onnx' },
        inputShape: [28, 28, 1],
        numClasses: 10,
        batchSize: 8
      })
    ).toThrow(/either arch and width .* or onnx/)
  })
})
