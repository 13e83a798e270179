/**
 * ONNX targets, run with onnxruntime-node (CPU execution provider, binaries shipped in the npm
 * package). The model must have one rank-4 float input with fixed image dimensions and one
 * [batch, classes] output; the import checks both.
 */
import * as tf from '@tensorflow/tfjs-core'
import * as ort from 'onnxruntime-node'
import { checkChannelValues } from './check-channel-values'
import { resolveInputShape } from './input-shape'
import { TargetImportError, type TargetModel } from './target-model'
import { argmaxRows, preprocessBatch, type TargetPreprocessing } from './target-preprocessing'
import { probeOutput } from './probe-output'

export async function loadOnnxTarget(
  file: string,
  preprocessing: TargetPreprocessing
): Promise<TargetModel> {
  let session: ort.InferenceSession
  try {
    // Only onnxruntime's errors reach the user (and those as a TargetImportError). Its warnings, such as a
    // batch size fixed in a model's intermediate shapes that it runs with anyway, came twice per batch.
    ort.env.logLevel = 'error'
    session = await ort.InferenceSession.create(file, { logSeverityLevel: 3 })
  } catch (err) {
    throw new TargetImportError(
      file,
      `not a readable ONNX model (${err instanceof Error ? err.message : String(err)}).`
    )
  }
  try {
    if (session.inputNames.length !== 1)
      throw new TargetImportError(
        file,
        `the model has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}); a classifier takes one image batch.`
      )
    const meta = session.inputMetadata[0]
    if (!meta.isTensor || meta.type !== 'float32')
      throw new TargetImportError(
        file,
        `the model's input "${meta.name}" is ${meta.isTensor ? meta.type : 'not a tensor'}; expected float32 images.`
      )
    const layout = preprocessing.layout ?? 'NCHW'
    const { shape, batch } = resolveInputShape(file, meta.shape, layout)
    checkChannelValues(file, preprocessing, shape[2])
    const inputName = session.inputNames[0]
    const outputName = session.outputNames[0]
    const s = session
    const run = async (
      x: tf.Tensor4D,
      prep: TargetPreprocessing
    ): Promise<{ data: Float32Array; dims: readonly number[] }> => {
      const input = preprocessBatch(x, prep, layout, shape)
      const data = (await input.data()) as Float32Array
      const dims = input.shape
      input.dispose()
      const results = await s.run({ [inputName]: new ort.Tensor('float32', data, dims) })
      const out = results[outputName]
      return { data: Float32Array.from(out.data as Float32Array), dims: out.dims }
    }
    // A fixed batch size is fed in chunks of exactly that size, the last one padded.
    const runBatched = async (
      x: tf.Tensor4D,
      prep: TargetPreprocessing
    ): Promise<{ data: Float32Array; dims: readonly number[] }> => {
      if (batch === undefined || x.shape[0] === batch) return run(x, prep)
      const parts: Float32Array[] = []
      let dims: readonly number[] = []
      for (let start = 0; start < x.shape[0]; start += batch) {
        const n = Math.min(batch, x.shape[0] - start)
        const chunk = tf.tidy(() => {
          const part = tf.slice(x, [start, 0, 0, 0], [n, x.shape[1], x.shape[2], x.shape[3]])
          return (
            n === batch
              ? part
              : tf.concat([part, tf.zeros([batch - n, x.shape[1], x.shape[2], x.shape[3]])])
          ) as tf.Tensor4D
        })
        const out = await run(chunk, prep)
        chunk.dispose()
        dims = out.dims
        parts.push(out.data.subarray(0, (out.data.length / batch) * n))
      }
      const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0))
      parts.reduce((offset, p) => (all.set(p, offset), offset + p.length), 0)
      return { data: all, dims: [x.shape[0], ...dims.slice(1)] }
    }
    const outputClasses = await probeOutput(
      file,
      shape,
      async (x) => (await runBatched(x, preprocessing)).dims
    )
    const make = (prep: TargetPreprocessing, owner: boolean): TargetModel => ({
      format: 'onnx',
      inputShape: shape,
      layout,
      outputClasses,
      preprocessing: prep,
      scores: async (x) => (await runBatched(x, prep)).data,
      predict: async (x) =>
        argmaxRows((await runBatched(x, prep)).data, outputClasses, prep.classMap),
      withPreprocessing: (other) => make({ ...other, layout }, false),
      dispose: async () => {
        if (owner) await s.release()
      }
    })
    return make(preprocessing, true)
  } catch (err) {
    await session.release()
    throw err
  }
}
