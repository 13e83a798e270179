/**
 * Importing an ONNX surrogate: each bad input is refused before anything runs with a message naming
 * the file (and the op and node), a quantized model stays usable as a target, external data is read,
 * and a forward pass that disagrees with onnxruntime is refused with both numbers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { ImportedSurrogateSpec } from '../../../../main/contract/onnx-surrogate'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageDataset } from '../../../../main/engine/data/dataset'
import { checkForwardAgreement } from '../../../../main/engine/onnx/forward-agreement'
import { importOnnxSurrogate } from '../../../../main/engine/onnx/import-onnx-surrogate'
import { loadOnnxTarget } from '../../../../main/engine/targets/onnx-target'
import { buildOnnxClassifier } from '../../../../main/engine/onnx/load-onnx-classifier'
import { readOnnxFile } from '../../../../main/engine/onnx/read-onnx-file'
import { tinyDataset } from '../../helpers/tiny-data'

const BAD = 'tests/fixtures/onnx-surrogates/bad'
const FIXTURES = 'tests/fixtures/onnx-surrogates'
const NORMALISED = { mean: [0.286], std: [0.353] }
let dataset: ImageDataset

beforeAll(async () => {
  await initBackend()
  dataset = await tinyDataset(64, 64)
})

const surrogate = (path: string, preprocessing: object = {}) =>
  ImportedSurrogateSpec.parse({ name: 's', format: 'onnx', path, preprocessing })

describe('an imported ONNX surrogate is refused before anything runs', () => {
  it('names the unsupported op, its node and the file', async () => {
    await expect(
      importOnnxSurrogate(surrogate(`${BAD}/unsupported-op.onnx`), dataset)
    ).rejects.toThrow(
      /unsupported-op\.onnx: unsupported op Celu \(node "act\/celu"\)\. The importer runs .*Conv/
    )
  })

  it('refuses a dynamic image size it cannot resolve', async () => {
    await expect(
      importOnnxSurrogate(surrogate(`${BAD}/dynamic-shape.onnx`), dataset)
    ).rejects.toThrow(/dynamic-shape\.onnx: .*dynamic image dimensions/)
  })

  it('refuses a model without float weights', async () => {
    await expect(
      importOnnxSurrogate(surrogate(`${BAD}/no-float-weights.onnx`), dataset)
    ).rejects.toThrow(/no-float-weights\.onnx: the model has no float weights/)
  })

  it('refuses a quantized (int8) model as a surrogate, with the reason, and still runs it as a target', async () => {
    await expect(
      importOnnxSurrogate(surrogate(`${BAD}/quantized-int8.onnx`), dataset)
    ).rejects.toThrow(
      /quantized-int8\.onnx: the model is quantized \(op QuantizeLinear, node "quantize"\).*can still be an imported target/
    )
    const target = await loadOnnxTarget(`${BAD}/quantized-int8.onnx`, {
      resize: false,
      range: [0, 1],
      output: 'logits'
    })
    const x = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D
    expect((await target.predict(x)).length).toBe(2)
    x.dispose()
    await target.dispose()
  })

  it('refuses an input size that does not fit the dataset and offers the resize fix', async () => {
    await expect(
      importOnnxSurrogate(surrogate('tests/fixtures/onnx/rgb-32.onnx'), dataset)
    ).rejects.toThrow(/rgb-32\.onnx: the model expects 32×32×3 .*set preprocessing\.resize to true/)
  })

  it('refuses a file that is not ONNX, and a missing file, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-bad-'))
    writeFileSync(join(dir, 'junk.onnx'), 'not a protobuf at all')
    await expect(importOnnxSurrogate(surrogate(join(dir, 'junk.onnx')), dataset)).rejects.toThrow(
      /junk\.onnx: not (a readable ONNX model|an ONNX model)/
    )
    await expect(
      importOnnxSurrogate(surrogate(join(dir, 'missing.onnx')), dataset)
    ).rejects.toThrow(/missing\.onnx: cannot read the file/)
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads weights from an external .onnx.data file beside the model, and names it when it is missing', async () => {
    const imported = await importOnnxSurrogate(surrogate(`${BAD}/external-data.onnx`), dataset, 16)
    expect(imported.model.graph.readOnnx('w')?.shape).toEqual([10, 1, 3, 3])
    // held as tfjs's [kh, kw, in, out] conv filter
    expect(imported.model.params.trainable.get('w')?.shape).toEqual([3, 3, 1, 10])
    expect(imported.agreement.top1Agreement).toBe(1)
    imported.model.params.dispose()
    const dir = mkdtempSync(join(tmpdir(), 'onnx-ext-'))
    writeFileSync(
      join(dir, 'm.onnx'),
      new Uint8Array(
        await import('node:fs/promises').then((fs) => fs.readFile(`${BAD}/external-data.onnx`))
      )
    )
    await expect(importOnnxSurrogate(surrogate(join(dir, 'm.onnx')), dataset)).rejects.toThrow(
      /external-data\.onnx\.data, which cannot be read: put the \.onnx\.data file beside the model/
    )
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses a forward pass that disagrees with onnxruntime, with both numbers', async () => {
    const file = `${FIXTURES}/resnet.onnx`
    const imported = await importOnnxSurrogate(surrogate(file, NORMALISED), dataset, 16)
    expect(imported.agreement.top1Agreement).toBe(1)
    // The engine's copy now computes another model than the file onnxruntime runs.
    const fc = imported.model.params.trainable.get('fc.weight')!
    fc.assign(tf.mul(fc, -1))
    await expect(checkForwardAgreement(imported.model, file, dataset.test, 16)).rejects.toThrow(
      /resnet\.onnx: the engine's forward pass disagrees with onnxruntime on 16 check images: largest output difference [\d.e+-]+ \(allowed [\d.e+-]+\), top-1 agreement [\d.]+ %/
    )
    imported.model.params.dispose()
  })
})

describe('residual Add nodes for GN and SGM', () => {
  it.each([
    ['resnet', 6, 4],
    ['mobilenetv2', 3, 3],
    ['densenet', 0, 0],
    ['vgg-bn', 0, 0]
  ])('%s: %i residual additions, %i with an identity shortcut', async (name, blocks, identity) => {
    const { model: message, baseDir } = await readOnnxFile(`${FIXTURES}/${name}.onnx`)
    const model = buildOnnxClassifier(`${FIXTURES}/${name}.onnx`, message, baseDir, {
      preprocessing: { resize: false, range: [0, 1], output: 'logits', ...NORMALISED },
      batchNorm: 'update',
      inputShape: [28, 28, 1],
      numClasses: 10
    })
    expect(model.graph.residualBlocks).toHaveLength(blocks)
    expect(model.graph.residualBlocks.filter((b) => b.identity)).toHaveLength(identity)
    // The hooks are reached in a forward pass, with NHWC shortcuts of the right channels.
    const seen: number[] = []
    tf.tidy(() =>
      model.forward(tf.zeros([1, 28, 28, 1]) as tf.Tensor4D, {
        training: false,
        transformSkip: (_b, s) => (seen.push(s.shape[3]), s)
      })
    )
    expect(seen).toHaveLength(blocks)
    model.params.dispose()
  })
})

describe('feature layers for ILA and FIA', () => {
  it('lists residual block and pool outputs in graph order, and a tap changes the forward pass', async () => {
    const { model: message, baseDir } = await readOnnxFile(`${FIXTURES}/vgg-bn.onnx`)
    const model = buildOnnxClassifier(`${FIXTURES}/vgg-bn.onnx`, message, baseDir, {
      preprocessing: { resize: false, range: [0, 1], output: 'logits', ...NORMALISED },
      batchNorm: 'update',
      inputShape: [28, 28, 1],
      numClasses: 10
    })
    expect(model.featureLayers).toHaveLength(3) // VGG-BN's three max pools
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D
    const shapes: number[][] = []
    const plain = tf.tidy(() => model.forward(x, { training: false }).dataSync())
    const zeroed = tf.tidy(() =>
      model
        .forward(x, {
          training: false,
          tapFeature: (layer, h) => (
            shapes.push(h.shape),
            layer === model.featureLayers[2] ? tf.zerosLike(h) : h
          )
        })
        .dataSync()
    )
    expect(shapes.map((s) => s[3])).toEqual([8, 16, 32]) // NHWC, channels last
    expect(Array.from(zeroed)).not.toEqual(Array.from(plain))
    x.dispose()
    model.params.dispose()
  })
})
