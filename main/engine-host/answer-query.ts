/**
 * The engine process's answer to each query kind of engine-queries.ts. Adding a query means one
 * entry in `EngineQueries` and one function here; the protocol and both clients carry any of them.
 */
import { backendDescription } from '../engine/backend/select-backend'
import { detectDataset } from '../engine/data/detect-dataset'
import { inspectDataset } from '../engine/data/inspect-dataset'
import { measureThroughput } from '../engine/training/measure-throughput'
import { checkTargetOnDataset } from '../engine/targets/check-target-on-dataset'
import type { EngineQueries, EngineQuery, EngineQueryKind, EngineQueryOf } from './engine-queries'

type Answerers = {
  [K in EngineQueryKind]: (query: EngineQueryOf<K>) => Promise<EngineQueries[K]['result']>
}

const answerers: Answerers = {
  'detect-dataset': (query) => detectDataset(query.path),
  'inspect-dataset': (query) => inspectDataset(query),
  'measure-throughput': async (query) => ({
    ...(await measureThroughput(query)),
    backend: backendDescription()
  }),
  'check-target': (query) => checkTargetOnDataset(query)
}

export async function answerQuery(query: EngineQuery): Promise<unknown> {
  if (!Object.hasOwn(answerers, query.kind))
    throw new Error(`the engine does not know the query "${String(query.kind)}"`)
  const answer = answerers[query.kind] as (query: EngineQuery) => Promise<unknown>
  return answer(query)
}
