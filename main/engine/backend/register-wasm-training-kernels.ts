/**
 * Registers the kernels the wasm backend lacks, gets wrong, or runs slowly for our CNNs.
 *
 * Found by running a training-style gradient (conv2d stride 1 and 2, batch norm from plain ops,
 * relu, max/avg pool, global mean, dense, log-softmax cross-entropy through oneHot or gather) and
 * the attack path (input gradient, sign, clipByValue, minimum/maximum) on wasm (tfjs 4.22):
 * - missing: `Conv2DBackpropFilter` (every conv's weight gradient) and `UnsortedSegmentSum`
 *   (the gradient of gather);
 * - wrong: `OneHot` with dtype 'float32' or non-integer on/off values (see wasm-one-hot.ts);
 * - slow: `Conv2DBackpropInput`, ~10× a forward conv (see wasm-conv2d-backprop-input.ts);
 *   `AvgPoolGrad`, ~10× the forward pool (wasm-avg-pool-grad.ts); `Sum`/`Mean` over every axis but
 *   the channels, as batch norm reduces (wasm-channel-reduce.ts). Found with `npm run bench:profile`.
 * - copies: `Identity` and same-dtype `Cast` copy the whole tensor, ~50–100 times a training step
 *   (wasm-shared-identity.ts).
 * Depthwise-conv gradients (`DepthwiseConv2dNativeBackpropFilter`/`…Input`) are missing too; we
 * use no depthwise convs yet, so they are not provided.
 */
import { registerWasmAvgPoolGrad } from './wasm-avg-pool-grad'
import { registerWasmChannelReduce } from './wasm-channel-reduce'
import { registerWasmConv2DBackpropFilter } from './wasm-conv2d-backprop-filter'
import { registerWasmConv2DBackpropInput } from './wasm-conv2d-backprop-input'
import { registerWasmOneHotFix } from './wasm-one-hot'
import { registerWasmSharedIdentity } from './wasm-shared-identity'
import { registerWasmUnsortedSegmentSum } from './wasm-unsorted-segment-sum'

/** Registers each kernel once (later calls do nothing); returns the names this call registered. */
export function registerWasmTrainingKernels(): string[] {
  const added: string[] = []
  if (registerWasmConv2DBackpropFilter()) added.push('Conv2DBackpropFilter')
  if (registerWasmConv2DBackpropInput()) added.push('Conv2DBackpropInput')
  if (registerWasmUnsortedSegmentSum()) added.push('UnsortedSegmentSum')
  if (registerWasmOneHotFix()) added.push('OneHot')
  if (registerWasmAvgPoolGrad()) added.push('AvgPoolGrad')
  added.push(...registerWasmChannelReduce())
  added.push(...registerWasmSharedIdentity())
  return added
}
