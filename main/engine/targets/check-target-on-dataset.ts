/**
 * The `check-target` engine query: loads the dataset the request names (keeping the last one, since
 * a user checks several preprocessing guesses on the same data in a row) and checks the model on it.
 */
import type { DatasetSpec } from '../../contract/audit-spec'
import type { TargetCheckRequest, TargetCheckResult } from '../../contract/target-zoo'
import type { ImageDataset } from '../data/dataset'
import { loadDataset } from '../data/load-dataset'
import { checkTarget } from './check-target'
import { checkSurrogateUse } from '../onnx/surrogate-use'

let cached: { key: string; dataset: Promise<ImageDataset> } | undefined

function datasetFor(spec: DatasetSpec): Promise<ImageDataset> {
  const key = JSON.stringify(spec)
  if (cached?.key !== key) {
    const dataset = loadDataset(spec)
    dataset.catch(() => {
      if (cached?.dataset === dataset) cached = undefined // a failed load is retried next time
    })
    cached = { key, dataset }
  }
  return cached.dataset
}

export async function checkTargetOnDataset(
  request: TargetCheckRequest
): Promise<TargetCheckResult> {
  const dataset = await datasetFor(request.dataset)
  const result = await checkTarget(request, dataset)
  if (request.surrogate)
    result.surrogate = await checkSurrogateUse(request, result.preprocessing, dataset)
  return result
}
