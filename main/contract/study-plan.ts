/**
 * How a study becomes audits: one audit per seed, holding every row's surrogate on every surrogate
 * architecture, the derived rows read from the SGD surrogate, the fixed test and validation targets
 * (trained by the first audit that needs them, imported from the zoo afterwards) and one attack
 * queue: plain BIM from every surrogate (Table 3), LGV from the SGD surrogates, and each Table 4
 * technique from the SGD and l-SAM surrogates. Every entry attacks the same examples.
 */
import type { TechniqueId } from './attack-stack'
import type { AuditSpecInput, ModelSpec, QueuedAttackInput } from './audit-spec'
import type { DerivedSurrogateSpec } from './derived-surrogate'
import type { StudySpec } from './study-spec'
import { STUDY_ROW_INFO, studySurrogateName } from './study-rows'

/** Where a target of the study comes from in one seed's audit: trained in it, or a model folder in the zoo. */
export type TargetSources = ReadonlyMap<string, { zooPath: string } | 'train'>

/** The queue labels of the plan: Table 3 reads BIM (and LGV), Table 4 one label per technique. */
export const BIM_LABEL = 'BIM'
export function techniqueLabel(id: TechniqueId): string {
  return id.toUpperCase()
}

/** The data split is the same for every seed: targets trained on it once serve them all. */
export function studyDataset(spec: StudySpec): StudySpec['dataset'] {
  return { ...spec.dataset, splitSeed: spec.dataset.splitSeed ?? 0 }
}

export function studyAuditSpec(
  spec: StudySpec,
  seed: number,
  sources: TargetSources
): AuditSpecInput {
  const surrogates: ModelSpec[] = []
  const derived: DerivedSurrogateSpec[] = []
  for (const { arch, width } of spec.surrogates)
    for (const row of spec.rows) {
      const source = STUDY_ROW_INFO[row].source
      const name = studySurrogateName(row, arch)
      if (source.kind === 'trained') {
        const sgd = row === 'sgd'
        surrogates.push({
          name,
          arch,
          width,
          seed,
          recipe: { ...spec.recipe, minimizer: source.minimizer },
          // The SGD surrogate carries Figures 4 and 5 and the early-stopped row: scored at every epoch.
          ...(sgd
            ? {
                track: {
                  transfer: true,
                  ...(spec.track.sharpness ? { sharpness: spec.track.sharpness } : {})
                }
              }
            : {})
        })
      } else if (source.kind === 'derived')
        derived.push({ name, from: studySurrogateName('sgd', arch), method: source.method })
    }
  const trained = (m: ModelSpec): boolean => sources.get(m.name) === 'train'
  const imported = (m: ModelSpec): { name: string; format: 'flatline'; path: string }[] => {
    const s = sources.get(m.name)
    if (!s) throw new Error(`Error in studyAuditSpec: no source for target "${m.name}"`)
    return s === 'train' ? [] : [{ name: m.name, format: 'flatline' as const, path: s.zooPath }]
  }
  return {
    name: `${spec.name} · seed ${seed}`,
    seed,
    dataset: studyDataset(spec),
    surrogates,
    ...(derived.length ? { derivedSurrogates: derived } : {}),
    targets: spec.targets.filter(trained),
    importedTargets: spec.targets.flatMap(imported),
    validation: {
      targets: spec.validation.targets.filter(trained),
      importedTargets: spec.validation.targets.flatMap(imported),
      examples: spec.validation.examples,
      ...(spec.validation.attack ? { attack: spec.validation.attack } : {})
    },
    attacks: studyAttackQueue(spec),
    ...(spec.workers !== undefined ? { workers: spec.workers } : {})
  }
}

/** BIM from every surrogate; LGV from the SGD surrogates; each Table 4 technique from SGD and l-SAM. */
export function studyAttackQueue(spec: StudySpec): QueuedAttackInput[] {
  const bim = { ...spec.attack, repeats: 1 }
  const queue: QueuedAttackInput[] = [{ ...bim, label: BIM_LABEL }]
  const tableFour = spec.techniques?.surrogates ?? []
  const pair = (arch: string): string[] => [
    studySurrogateName('sgd', arch),
    studySurrogateName('l-sam', arch)
  ]
  const lgvFrom = [
    ...(spec.rows.includes('lgv')
      ? spec.surrogates.map((s) => studySurrogateName('sgd', s.arch))
      : []),
    ...(spec.techniques?.list.includes('lgv') ? tableFour.flatMap(pair) : [])
  ]
  if (lgvFrom.length)
    queue.push({
      ...bim,
      label: techniqueLabel('lgv'),
      stack: { lgv: { collect: spec.lgv } },
      surrogates: [...new Set(lgvFrom)]
    })
  for (const id of spec.techniques?.list ?? [])
    if (id !== 'lgv')
      queue.push({
        ...bim,
        label: techniqueLabel(id),
        stack: { [id]: {} },
        surrogates: tableFour.flatMap(pair)
      })
  return queue
}
