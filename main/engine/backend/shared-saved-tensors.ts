/**
 * Tensors a kernel saves for its gradient, kept without a kernel launch.
 *
 * While the gradient tape records, tfjs's engine clones every tensor a kernel saves for its
 * gradient (`saveTensorsForBackwardMode`, and customGrad's `save`) through `engine.clone`, a full
 * `Identity` dispatch: ~100 of a small-resnet training step's 233 launches. On wasm and cpu that
 * Identity only hands out the same buffer with one more reference (wasm-shared-identity.ts, and
 * the cpu backend's own), so the clone can do that directly, without the dispatch. It records the
 * tape node the engine's clone records (same gradient: a float32 cast), so a higher-order gradient
 * still reaches the input. Other backends, strings and complex tensors keep the engine's clone.
 */
import * as tf from '@tensorflow/tfjs-core'

/** The parts of tfjs's Engine (4.22) this relies on; not in its public typings. */
interface EngineInternals {
  clone(x: tf.Tensor): tf.Tensor
  backendName: string
  backend: tf.KernelBackend
  isTapeOn(): boolean
  state: {
    activeScope: { name: string }
    tensorInfo: { get(dataId: object): { backend: tf.KernelBackend } | undefined }
  }
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: tf.KernelBackend): tf.Tensor
  addTapeNode(
    kernelName: string,
    inputs: tf.NamedTensorMap,
    outputs: tf.Tensor[],
    gradientsFunc: (dy: tf.Tensor) => Record<string, () => tf.Tensor>,
    saved: tf.Tensor[],
    attrs: tf.NamedAttrMap
  ): void
}

const SHARED = Symbol.for('flatline.shared-saved-tensors')
const SHARING_BACKENDS = new Set(['wasm', 'cpu'])

type MarkedClone = EngineInternals['clone'] & { [SHARED]?: true }

/** Whether `x`'s buffer can be handed out again without a launch (see the file comment). */
function shareable(engine: EngineInternals, x: tf.Tensor): boolean {
  return (
    SHARING_BACKENDS.has(engine.backendName) &&
    x.dtype !== 'string' &&
    x.dtype !== 'complex64' &&
    // With the tape on, a clone must record a node (a higher-order gradient may pass through it).
    !engine.isTapeOn() &&
    engine.state.tensorInfo.get(x.dataId)?.backend === engine.backend
  )
}

function sameBuffer(engine: EngineInternals, x: tf.Tensor): tf.Tensor {
  engine.backend.incRef(x.dataId)
  return engine.makeTensorFromTensorInfo({ dataId: x.dataId, shape: x.shape, dtype: x.dtype })
}

/**
 * A second tensor on `x`'s buffer, without a launch where it can (else `tf.clone`): for a gradient
 * function that hands one result to two inputs (the tape disposes each input's gradient on its own).
 */
export function shareTensor(x: tf.Tensor): tf.Tensor {
  const engine = tf.engine() as unknown as EngineInternals
  return shareable(engine, x) ? sameBuffer(engine, x) : tf.clone(x)
}

/** Makes the engine's clone share buffers (once); returns whether this call installed it. */
export function shareSavedTensors(): boolean {
  const engine = tf.engine() as unknown as EngineInternals
  if ((engine.clone as MarkedClone)[SHARED] === true) return false
  const own = engine.clone.bind(engine)
  const clone: MarkedClone = (x) => {
    if (!shareable(engine, x)) return own(x)
    const y = sameBuffer(engine, x)
    // The node the engine's clone records: the gradient passes through as a float32 cast.
    const grad = (dy: tf.Tensor): Record<string, () => tf.Tensor> => ({
      x: () =>
        tf
          .engine()
          .runKernel(tf.Cast, { x: dy }, { dtype: 'float32' } as tf.NamedAttrMap) as tf.Tensor
    })
    engine.addTapeNode(engine.state.activeScope.name, { x }, [y], grad, [], {})
    return y
  }
  clone[SHARED] = true
  engine.clone = clone
  return true
}
