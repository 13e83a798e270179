/**
 * Short questions the UI asks the engine process, answered once (not jobs with events): how fast
 * a model trains here, whether an imported target fits the dataset, and so on.
 *
 * Each entry maps a query `kind` to its request fields and its result. The engine process answers
 * them between the batches of a running audit, so a question never waits for a whole audit.
 */
import type {
  DatasetDetection,
  DatasetInspection,
  DetectDatasetRequest,
  InspectDatasetRequest
} from '../contract/dataset-inspection'
import type { TargetCheckRequest, TargetCheckResult } from '../contract/target-zoo'
import type { ThroughputEstimate, ThroughputRequest } from '../contract/throughput'

export interface EngineQueries {
  /** Which dataset layout a folder holds, or what is missing (see detect-dataset.ts). */
  'detect-dataset': {
    request: DetectDatasetRequest
    result: DatasetDetection
  }
  /** Classes, counts, sample grid and memory of a dataset spec, read as an audit would (see inspect-dataset.ts). */
  'inspect-dataset': {
    request: InspectDatasetRequest
    result: DatasetInspection
  }
  /** Forward-backward passes per second of one architecture on the active backend (see measure-throughput.ts). */
  'measure-throughput': {
    request: ThroughputRequest
    result: ThroughputEstimate
  }
  /** An in-house model's input, accuracy on a dataset sample and likely preprocessing mistake (see check-target.ts). */
  'check-target': {
    request: TargetCheckRequest
    result: TargetCheckResult
  }
}

export type EngineQueryKind = keyof EngineQueries
export type EngineQuery = {
  [K in EngineQueryKind]: { kind: K } & EngineQueries[K]['request']
}[EngineQueryKind]
export type EngineQueryOf<K extends EngineQueryKind> = Extract<EngineQuery, { kind: K }>
export type EngineQueryResult<K extends EngineQueryKind> = EngineQueries[K]['result']
