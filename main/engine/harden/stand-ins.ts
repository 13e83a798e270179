/**
 * The stand-ins' base as the engine resolves it: the contract's plan (harden-stand-ins.ts), with a
 * Flatline model file's architecture, width, seed and recipe read from its manifest.
 */
import { join, resolve } from 'node:path'
import type { AuditSpec } from '../../contract/audit-spec'
import type { HardenSpec } from '../../contract/harden-spec'
import { plannedBase, type StandInBase } from '../../contract/harden-stand-ins'
import { ModelManifest } from '../models/model-io'
import { readJsonFile } from '../workspace/atomic-write'

export {
  hardenModels,
  plannedBase,
  standIns,
  type HardenModel,
  type StandIn,
  type StandInBase
} from '../../contract/harden-stand-ins'

export async function standInBase(spec: AuditSpec, harden: HardenSpec): Promise<StandInBase> {
  const planned = plannedBase(spec, harden)
  if (planned.target.source !== 'flatline file') return planned
  const imported = spec.importedTargets?.find(
    (t) => t.name === harden.target && t.format === 'flatline'
  )
  if (!imported)
    throw new Error(`cannot harden "${harden.target}": it is not a target of this audit`)
  const path = join(resolve(imported.path), 'manifest.json')
  const parsed = ModelManifest.safeParse(
    await readJsonFile(path).catch((error: Error) => ({ error: error.message }))
  )
  if (!parsed.success)
    throw new Error(
      `cannot harden "${imported.name}": ${path} is not a readable Flatline model manifest, so its architecture and recipe are unknown`
    )
  const m = parsed.data
  if (m.config.arch === 'onnx')
    throw new Error(
      `cannot harden "${imported.name}": it is an imported ONNX graph, which has no architecture in the registry to train stand-ins of`
    )
  const arch = m.config.arch
  return {
    target: { name: imported.name, arch, width: m.config.width, source: 'flatline file' },
    arch,
    width: m.config.width,
    seed: m.seed,
    recipe: m.recipe
  }
}
