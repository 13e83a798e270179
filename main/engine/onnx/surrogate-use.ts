/**
 * The Target zoo's "use as surrogate": imports a checked ONNX model the way an audit would import
 * it as a surrogate (the engine's own tfjs build, checked against onnxruntime) and says whether it
 * can be one, with the numbers or the reason.
 */
import type { SurrogateUse, TargetCheckRequest } from '../../contract/target-zoo'
import type { TargetPreprocessing } from '../../contract/target-preprocessing'
import { ImportedSurrogateSpec } from '../../contract/onnx-surrogate'
import type { ImageDataset } from '../data/dataset'
import { importOnnxSurrogate } from './import-onnx-surrogate'

export async function checkSurrogateUse(
  request: TargetCheckRequest,
  preprocessing: TargetPreprocessing,
  dataset: ImageDataset
): Promise<SurrogateUse> {
  if (request.format !== 'onnx')
    return {
      usable: false,
      reason: 'only ONNX models can be surrogates: the engine builds their graph to get gradients'
    }
  try {
    const spec = ImportedSurrogateSpec.parse({
      name: 'zoo-check',
      format: 'onnx',
      path: request.path,
      preprocessing
    })
    const { model, agreement } = await importOnnxSurrogate(spec, dataset)
    const use: SurrogateUse = {
      usable: true,
      agreement,
      residualAdds: model.skipConnections.length,
      weights: model.params.countTrainable()
    }
    model.params.dispose()
    return use
  } catch (err) {
    return { usable: false, reason: err instanceof Error ? err.message : String(err) }
  }
}
