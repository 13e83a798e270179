/**
 * Writes an imported graph back to ONNX with the weights and batch-norm statistics it holds now
 * (after fine-tuning), every initializer inline (external data is folded in), so the file can be
 * used elsewhere (onnxruntime, PyTorch's onnx2torch, …) or reloaded by the app.
 */
import type { ModelMessage, TensorMessage } from './onnx-proto'
import { floatTensorMessage } from './onnx-tensor'
import type { OnnxGraph } from './onnx-graph'

export function exportOnnxModel(source: ModelMessage, graph: OnnxGraph): ModelMessage {
  const current = (name: string): TensorMessage | undefined => {
    const value = graph.readOnnx(name)
    return value && value.dtype === 'float32'
      ? floatTensorMessage(name, value.shape, value.values as Float32Array)
      : undefined
  }
  const initializers = (source.graph?.initializer ?? []).map(
    (t) => current(t.name ?? '') ?? { ...t, data_location: undefined, external_data: undefined }
  )
  // Weights the import untied from an Identity node are written as initializers of their own.
  const untied = graph.structure.untied
  for (const output of untied.keys()) {
    const message = current(output)
    if (message) initializers.push(message)
  }
  const nodes = (source.graph?.node ?? []).filter(
    (n) => !(n.op_type === 'Identity' && untied.has(n.output?.[0] ?? ''))
  )
  return {
    ...source,
    producer_name: 'Flatline',
    graph: { ...source.graph, node: nodes, initializer: initializers }
  }
}
