/**
 * `npm run bench:techniques`: the technique × target table, transfer success rate of BIM alone and of
 * BIM + each technique of the registry (issue 15), from an SGD and an l-SAM surrogate, on every target,
 * with ± 2 std over seeds for randomised techniques, and each technique's time relative to BIM.
 *
 * Data and recipes are those of examples/flatness-audit.json (embedded Fashion-MNIST, 4000 training
 * images, 8 epochs, batch 64, lr 0.05 stepped every 6 epochs), except that both surrogates are
 * small-resnet w=16 (GN and SGM need skip connections). The l-SAM one uses SAM with ρ = 0.3. Targets: small-cnn w=24, small-resnet w=16 and an MLP w=256. Ensemble
 * rows (Ens, SVRE, CWA) attack each surrogate together with a small-cnn w=16 partner trained the same
 * way (SGD, or l-SAM), so the columns stay "from SGD" and "from l-SAM". Attack: L∞ ε = 16/255, 50 steps,
 * α = ε/10, on the first `TABLE_EXAMPLES` test images both targets classify correctly. Each row is BIM
 * alone or BIM + one technique at its registry defaults (docs/techniques.md). It uses the audit's own
 * functions: `measureTransfer`, `commonlyCorrect`, `collectLgvMembers`, `ensembleClassifier`. Randomised
 * rows repeat over `TABLE_REPEATS` seeds; deterministic rows give the same examples every seed, so they
 * run once and their std is 0.
 *
 * Trained models, LGV members and finished cells are cached under `TABLE_DIR` (default
 * /tmp/technique-table-models), so a rerun (e.g. with more rows) only computes what is missing.
 * Settings via environment: TABLE_EXAMPLES (50, sized for about an hour alone on a 2-core machine; 200 for a tighter table), TABLE_REPEATS (3),
 * TABLE_COSTLY_REPEATS (repeats of the rows costing ≥ 15 passes per iteration; default TABLE_REPEATS),
 * TABLE_STACKED_REPEATS (the "all" row; default TABLE_COSTLY_REPEATS), TABLE_ROWS (comma list of row ids,
 * default bim and every registry id; optional: "all" (the nine of Table 4 stacked), "ti-sigma1", "ti-release",
 * "sia-grid3", "bsr-grid3" (the 28×28 settings of docs/techniques.md), "ce-targeted", "logit-targeted",
 * "margin-targeted"), TABLE_STACKED_EXAMPLES (examples for
 * the "all" row, default TABLE_EXAMPLES). Two processes can share the work: TABLE_SURROGATES=surrogate-sgd
 * in one, =surrogate-lsam in the other (models and LGV members are locked while one process makes
 * them); a last run without it prints the whole table. TABLE_PRINT_ONLY=1 prints the table from the
 * cached cells without computing missing ones ("—"). Figures, not assertions: CI does not run this.
 * Adversarial examples/s include scoring the targets.
 */
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import {
  AttackStack,
  attackCost,
  attackCostPerIteration,
  describeStack,
  isRandomisedStack,
  STACK_TECHNIQUE_IDS,
  type StackTechniqueId
} from '../main/contract/attack-stack'
import { AttackSpec, DatasetSpec, ModelSpec } from '../main/contract/audit-spec'
import { attackConfigFromSpec, isRandomised } from '../main/engine/attacks/attack-config'
import { collectLgvMembers } from '../main/engine/attacks/attack-plan'
import { ensembleClassifier } from '../main/engine/attacks/ensemble/ensemble-classifier'
import { backendDescription, initBackend } from '../main/engine/backend/select-backend'
import { range } from '../main/engine/data/dataset'
import { loadDataset } from '../main/engine/data/load-dataset'
import { Rng } from '../main/engine/data/rng'
import { accuracyOf, predictSplit } from '../main/engine/evaluation/predict'
import {
  commonlyCorrect,
  meanAndStd,
  measureTransfer
} from '../main/engine/evaluation/transfer-evaluation'
import { buildClassifier } from '../main/engine/models/architecture-registry'
import type { Classifier } from '../main/engine/models/classifier'
import { loadClassifier, saveClassifier } from '../main/engine/models/model-io'
import { measureNormalization } from '../main/engine/models/normalize-input'
import { trainClassifier } from '../main/engine/training/train-classifier'

const DIR = process.env.TABLE_DIR ?? '/tmp/technique-table-models'
const EXAMPLES = Number(process.env.TABLE_EXAMPLES ?? 50)
const REPEATS = Number(process.env.TABLE_REPEATS ?? 3)
const COSTLY_REPEATS = Number(process.env.TABLE_COSTLY_REPEATS ?? REPEATS)
const STACKED_EXAMPLES = Number(process.env.TABLE_STACKED_EXAMPLES ?? EXAMPLES)
const STACKED_REPEATS = Number(process.env.TABLE_STACKED_REPEATS ?? COSTLY_REPEATS)
const STEPS = 50
const EPS = 16 / 255
const started = performance.now()
const elapsed = () => `${((performance.now() - started) / 60000).toFixed(1)} min`

const recipe = {
  epochs: 8,
  batchSize: 64,
  lr: 0.05,
  lrSchedule: { kind: 'step', every: 6, gamma: 0.1 }
}
const surrogateSpecs = [
  {
    label: 'SGD',
    spec: ModelSpec.parse({
      name: 'surrogate-sgd',
      arch: 'small-resnet',
      width: 16,
      seed: 11,
      recipe
    })
  },
  {
    label: 'l-SAM',
    spec: ModelSpec.parse({
      name: 'surrogate-lsam',
      arch: 'small-resnet',
      width: 16,
      seed: 11,
      recipe: { ...recipe, minimizer: { id: 'sam', rho: 0.3 } }
    })
  }
]
/** Each surrogate's ensemble partner: a small CNN trained the same way. */
const partnerSpecs = new Map(
  surrogateSpecs.map(({ spec }) => [
    spec.name,
    ModelSpec.parse({
      name: `${spec.name}-partner`,
      arch: 'small-cnn',
      width: 16,
      seed: 44,
      recipe: spec.recipe
    })
  ])
)
const targetSpecs = [
  ModelSpec.parse({ name: 'target-cnn', arch: 'small-cnn', width: 24, seed: 22, recipe }),
  ModelSpec.parse({ name: 'target-resnet', arch: 'small-resnet', width: 16, seed: 33, recipe }),
  // A third family: transfer to an MLP is typically far lower than to CNNs (DEVELOPERS.md, Budgets).
  ModelSpec.parse({ name: 'target-mlp', arch: 'mlp', width: 256, seed: 55, recipe })
]

interface Row {
  id: string
  label: string
  stack: Record<string, unknown>
  costly?: boolean
  /** Attack fields beyond the stack (targeted mode). */
  attack?: Record<string, unknown>
}
/** The stack of a technique's row; ensemble techniques run over the surrogate and its partner. */
function rowStack(id: StackTechniqueId): Record<string, unknown> {
  const members = { ens: { members: ['surrogate', 'partner'] } }
  if (id === 'lgv') return { lgv: { collect: {} } }
  if (id === 'ens') return members
  if (id === 'svre' || id === 'cwa') return { ...members, [id]: {} }
  return { [id]: {} }
}
const ALL_ROWS: Row[] = [
  { id: 'bim', label: 'BIM', stack: {} },
  ...STACK_TECHNIQUE_IDS.map((id) => {
    const stack = rowStack(id)
    const label = `BIM + ${describeStack(stack).replace(/^BIM \+ /, '')}${id === 'lgv' ? ' (K = 40)' : ''}`
    return { id, label, stack, costly: attackCostPerIteration(AttackStack.parse(stack), 0) >= 15 }
  }),
  // Optional rows (TABLE_ROWS): the settings docs/techniques.md leaves to measurement on 28×28 images,
  // and targeted attacks (success = the target predicts the goal class (y + 1) mod 10).
  { id: 'ti-sigma1', label: 'BIM + TI (σ = 1 px, k = 3)', stack: { ti: { sigma: 1 } } },
  {
    id: 'ti-release',
    label: 'BIM + TI (σ = 7/3 px, k = 7, release)',
    stack: { ti: { sigma: 7 / 3 } }
  },
  { id: 'sia-grid3', label: 'BIM + SIA (3×3 grid)', stack: { sia: { grid: 3 } }, costly: true },
  { id: 'bsr-grid3', label: 'BIM + BSR (3×3 blocks)', stack: { bsr: { grid: 3 } }, costly: true },
  { id: 'ce-targeted', label: 'BIM targeted (CE)', stack: {}, attack: { targeted: true } },
  {
    id: 'logit-targeted',
    label: 'BIM + Logit targeted',
    stack: { logit: {} },
    attack: { targeted: true }
  },
  {
    id: 'margin-targeted',
    label: 'BIM + Margin targeted',
    stack: { margin: {} },
    attack: { targeted: true }
  },
  // NI takes precedence over MI (spec §2.2), so MI is left out of "everything".
  {
    id: 'all',
    label: 'all stacked (GN+SGM+LGV+DI+SI+VT+NI+RAP)',
    stack: { gn: {}, sgm: {}, lgv: { collect: {} }, di: {}, si: {}, vt: {}, ni: {}, rap: {} },
    costly: true
  }
]
const DEFAULT_ROWS = ['bim', ...STACK_TECHNIQUE_IDS]
const wanted = (process.env.TABLE_ROWS ?? DEFAULT_ROWS.join(',')).split(',').map((s) => s.trim())
const rows = ALL_ROWS.filter((r) => wanted.includes(r.id))
const rowExamples = (row: Row): number => (row.id === 'all' ? STACKED_EXAMPLES : EXAMPLES)
const rowRepeats = (row: Row): number =>
  row.id === 'all' ? STACKED_REPEATS : row.costly ? COSTLY_REPEATS : REPEATS

await initBackend()
await mkdir(DIR, { recursive: true })
const dataset = await loadDataset(DatasetSpec.parse({ source: 'embedded', trainLimit: 4000 }))
const { train, test } = dataset
const normalization = measureNormalization(train.images, train.channels)
console.log(
  `backend: ${backendDescription()}, tfjs ${tf.version_core}; train ${train.count}, test ${test.count}`
)

/**
 * Runs `work` unless `done` already exists; when another bench process holds `lock` (two processes can
 * split the surrogates, see the doc comment), waits for it to finish instead of doing it twice.
 */
async function once(lock: string, done: string, work: () => Promise<void>): Promise<void> {
  for (;;) {
    if (existsSync(done)) return
    if (!existsSync(lock) || !alive(Number(await readFile(lock, 'utf8').catch(() => '0')))) break
    await new Promise((resolve) => setTimeout(resolve, 10000))
  }
  await writeFile(lock, String(process.pid))
  try {
    await work()
  } finally {
    await rm(lock, { force: true })
  }
}
function alive(pid: number): boolean {
  if (!pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Loads the model cached in DIR, or trains it as the audit would (same seed forks) and caches it. */
async function trainedModel(spec: ModelSpec): Promise<{ model: Classifier }> {
  const dir = join(DIR, spec.name)
  await once(`${dir}.lock`, join(dir, 'manifest.json'), () => trainAndSave(spec, dir))
  return { model: (await loadClassifier(dir)).model }
}

async function trainAndSave(spec: ModelSpec, dir: string): Promise<void> {
  const model = buildClassifier(
    {
      arch: spec.arch,
      width: spec.width,
      inputShape: [train.height, train.width, train.channels],
      numClasses: dataset.classNames.length,
      normalization
    },
    new Rng(spec.seed).fork('init')
  )
  const t0 = performance.now()
  const epochs = await trainClassifier(model, {
    name: spec.name,
    recipe: spec.recipe,
    train,
    test,
    flipPreservesLabel: dataset.flipPreservesLabel,
    rng: new Rng(spec.seed).fork('train'),
    onEpoch: (m) => console.log(`  ${spec.name} epoch ${m.epoch}: ${JSON.stringify(m)}`)
  })
  const seconds = (performance.now() - t0) / 1000
  await saveClassifier(model, dir, {
    name: spec.name,
    dataset: dataset.name,
    recipe: spec.recipe,
    seed: spec.seed,
    metrics: epochs
  })
  console.log(`trained ${spec.name} in ${seconds.toFixed(0)} s (${elapsed()})`)
  model.params.dispose()
}

/** LGV members (K = 40 with the default collect recipe) of one surrogate, cached as member-XX folders. */
async function lgvMembers(name: string, surrogate: Classifier): Promise<Classifier[]> {
  const dir = join(DIR, `${name}-lgv`)
  await once(`${dir}.lock`, join(dir, 'done'), () => collectAndSave(name, surrogate, dir))
  const count = Number(await readFile(join(dir, 'done'), 'utf8'))
  const members: Classifier[] = []
  for (let i = 0; i < count; i++)
    members.push((await loadClassifier(join(dir, `member-${String(i).padStart(2, '0')}`))).model)
  return members
}

async function collectAndSave(name: string, surrogate: Classifier, dir: string): Promise<void> {
  const t0 = performance.now()
  const collect = AttackStack.parse({ lgv: { collect: {} } }).lgv!.collect!
  const members = await collectLgvMembers(surrogate, train, collect, {
    seed: 1,
    flipPreservesLabel: dataset.flipPreservesLabel
  })
  const seconds = (performance.now() - t0) / 1000
  for (const [i, m] of members.entries())
    await saveClassifier(m, join(dir, `member-${String(i).padStart(2, '0')}`), {
      name: `${name}-lgv-${i}`,
      dataset: dataset.name,
      recipe: surrogateSpecs[0].spec.recipe,
      seed: 1,
      metrics: []
    })
  await writeFile(join(dir, 'done'), String(members.length))
  await writeFile(join(dir, 'seconds'), String(seconds))
  console.log(
    `collected ${members.length} LGV members from ${name} in ${seconds.toFixed(0)} s (${elapsed()})`
  )
  for (const m of members) m.params.dispose()
}

// TABLE_SURROGATES=surrogate-lsam lets a second process attack from one surrogate while the first
// does the other; each trains its own surrogate first, then the targets (waiting if the other holds them).
const only = process.env.TABLE_SURROGATES?.split(',').map((s) => s.trim())
const surrogates: { label: string; name: string; model: Classifier }[] = []
for (const { label, spec } of surrogateSpecs.filter((s) => !only || only.includes(s.spec.name)))
  surrogates.push({ label, name: spec.name, model: (await trainedModel(spec)).model })
// TABLE_LGV_FIRST=1 collects the LGV members before the targets, to use the time another process spends training them.
if (process.env.TABLE_LGV_FIRST)
  for (const s of surrogates) for (const m of await lgvMembers(s.name, s.model)) m.params.dispose()
// Ensemble rows attack each surrogate with its small-CNN partner, trained the same way.
const partners = new Map<string, Classifier>()
if (rows.some((r) => r.stack.ens))
  for (const s of surrogates)
    partners.set(s.name, (await trainedModel(partnerSpecs.get(s.name)!)).model)
const targetOrder = process.env.TABLE_REVERSE_TARGETS ? [...targetSpecs].reverse() : targetSpecs
const trainedTargets = new Map<string, Classifier>()
for (const spec of targetOrder) trainedTargets.set(spec.name, (await trainedModel(spec)).model)
const targets = targetSpecs.map((spec) => ({
  name: spec.name,
  model: trainedTargets.get(spec.name)!
}))

const candidates = range(test.count)
const targetPredictions: Int32Array[] = []
const accuracies: string[] = []
const partnerModels = [...partners].map(([name, model]) => ({ name: `${name}-partner`, model }))
for (const [i, m] of [...targets, ...surrogates, ...partnerModels].entries()) {
  const pred = await predictSplit(m.model, test, candidates)
  if (i < targets.length) targetPredictions.push(pred)
  accuracies.push(`${m.name} ${(accuracyOf(pred, test, candidates) * 100).toFixed(1)} %`)
}
const allCorrect = commonlyCorrect(test, candidates, targetPredictions)
console.log(
  `natural accuracy on ${test.count} test images: ${accuracies.join(', ')}; both targets correct on ${allCorrect.length}`
)

interface Cell {
  fooled: number[][] // per repeat, per target
  attacked: number
  seconds: number
  repeats: number
}
// One file per finished cell, so two processes never overwrite each other's results.
// Cells of a run with other targets (another attacked set) live apart.
const cellDir = join(
  DIR,
  `cells-${targetSpecs.map((t) => t.name.replace('target-', '')).join('-')}`
)
await mkdir(cellDir, { recursive: true })
const cellPath = (key: string) => join(cellDir, `${key.replaceAll('|', '_')}.json`)
const cache: Record<string, Cell> = {}
const loadCells = async () => {
  for (const s of surrogateSpecs)
    for (const row of ALL_ROWS)
      for (const n of new Set([EXAMPLES, STACKED_EXAMPLES]))
        for (const r of new Set([REPEATS, COSTLY_REPEATS, STACKED_REPEATS])) {
          const key = `${s.spec.name}|${row.id}|${n}|${r}`
          if (existsSync(cellPath(key)))
            cache[key] = JSON.parse(await readFile(cellPath(key), 'utf8'))
        }
}
await loadCells()
const lgvSeconds: Record<string, number> = {}

/** Passes per example of a row over all its steps (ILA, FIA included), from the registry. */
const rowPasses = (row: Row): number => attackCost(AttackStack.parse(row.stack), STEPS)
// ETA: the passes still to compute, at the rate measured on the cells computed so far.
const todo = rows.flatMap((row) =>
  surrogates.map((s) => ({
    row,
    key: `${s.name}|${row.id}|${rowExamples(row)}|${rowRepeats(row)}`
  }))
)
const plannedPasses = (row: Row): number =>
  rowExamples(row) *
  rowPasses(row) *
  (isRandomisedStack(AttackStack.parse(row.stack)) ? rowRepeats(row) : 1)
let remainingPasses = todo
  .filter((c) => !cache[c.key])
  .reduce((sum, c) => sum + plannedPasses(c.row), 0)
let donePasses = 0
let attackSeconds = 0
console.log(
  `to compute: ${todo.filter((c) => !cache[c.key]).length} cells, ${(remainingPasses / 1e6).toFixed(2)} M forward-backward passes`
)

for (const row of rows) {
  for (const surrogate of surrogates) {
    const examples = rowExamples(row)
    const repeats = rowRepeats(row)
    const key = `${surrogate.name}|${row.id}|${examples}|${repeats}`
    if (cache[key] || process.env.TABLE_PRINT_ONLY) continue
    const stack = AttackStack.parse(row.stack)
    const members = stack.lgv ? await lgvMembers(surrogate.name, surrogate.model) : []
    const attack = AttackSpec.parse({
      eps: EPS,
      steps: STEPS,
      batchSize: 100,
      maxExamples: examples,
      repeats: 1,
      ...row.attack,
      stack: row.stack
    })
    const attacked = allCorrect.slice(0, examples)
    const ensemble = stack.ens ? [surrogate.model, partners.get(surrogate.name)!] : undefined
    // An ensemble row's white-box column is the fused ensemble; its row keeps the surrogate's column.
    const attacker =
      ensemble && stack.ens
        ? {
            name: surrogate.name,
            model: ensembleClassifier(ensemble, { fusion: stack.ens.fusion })
          }
        : surrogate
    const randomised = isRandomised(
      attackConfigFromSpec(attack, 0, members, { ensembleMembers: ensemble })
    )
    const runs = randomised ? repeats : 1
    const fooled: number[][] = []
    const t0 = performance.now()
    // One measureTransfer per seed keeps every repeat's counts (the cell keeps only the first one's).
    for (let r = 0; r < runs; r++) {
      const result = await measureTransfer(attacker, targets, test, attacked, attack, {
        seed: r,
        lgvMembers: members,
        ensembleMembers: ensemble
      })
      fooled.push(result.cells.map((c) => c.fooled))
    }
    const seconds = (performance.now() - t0) / 1000
    cache[key] = { fooled, attacked: attacked.length, seconds, repeats: runs }
    await writeFile(cellPath(key), JSON.stringify(cache[key]))
    const passes = plannedPasses(row)
    donePasses += passes
    remainingPasses -= passes
    attackSeconds += seconds
    const eta = (remainingPasses * attackSeconds) / donePasses / 60
    console.log(
      `${row.label} from ${surrogate.name}: ${JSON.stringify(fooled)} / ${attacked.length} in ${seconds.toFixed(0)} s (${elapsed()}, about ${eta.toFixed(0)} min of attacks left)`
    )
    for (const m of members) m.params.dispose()
  }
}
await loadCells()
for (const name of surrogateSpecs.map((s) => s.spec.name)) {
  const path = join(DIR, `${name}-lgv`, 'seconds')
  if (existsSync(path)) lgvSeconds[name] = Number(await readFile(path, 'utf8'))
}

// The table: one column per surrogate × target, then the cost columns.
const pct = (v: number) => (v * 100).toFixed(1)
const lines: string[] = []
lines.push(
  `Settings: embedded Fashion-MNIST (train ${train.count}), surrogates small-resnet w=16 (SGD; l-SAM ρ = 0.3), 8 epochs, batch 64, lr 0.05 step every 6; ` +
    `BIM L∞ ε = 16/255, ${STEPS} steps, α = ε/10; ${EXAMPLES} examples (${STACKED_EXAMPLES} for "all") that both targets classify correctly (of ${allCorrect.length}); ` +
    `repeats: ${REPEATS} (${COSTLY_REPEATS} for rows costing ≥ 15 passes per iteration, ${STACKED_REPEATS} for all); deterministic rows run once (std 0). ` +
    `Ensemble rows (Ens, SVRE, CWA) attack the surrogate with a small-cnn w=16 partner trained the same way. Natural accuracy: ${accuracies.join(', ')}. Backend ${backendDescription()}.`
)
lines.push('')
lines.push('Success rate in %, mean ± 2 std over repeats (fooled in the first repeat / attacked):')
lines.push('')
const header = [
  'technique',
  ...surrogates.flatMap((s) => targets.map((t) => `${s.label} → ${t.name}`)),
  'repeats'
]
lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`)
for (const row of rows) {
  const examples = rowExamples(row)
  const repeats = rowRepeats(row)
  const cells: string[] = []
  let runs = 0
  for (const s of surrogates) {
    const cell = cache[`${s.name}|${row.id}|${examples}|${repeats}`]
    for (let t = 0; t < targets.length; t++) {
      if (!cell) {
        cells.push('—')
        continue
      }
      runs = cell.repeats
      const { mean, std } = meanAndStd(cell.fooled.map((f) => f[t] / cell.attacked))
      cells.push(`${pct(mean)} ± ${pct(2 * std)} (${cell.fooled[0][t]}/${cell.attacked})`)
    }
  }
  lines.push(`| ${row.label} | ${cells.join(' | ')} | ${runs || '—'} |`)
}
lines.push('')
lines.push(
  "Cost: adversarial examples/s (attack + scoring the models, batch 100), measured time relative to BIM on the same surrogate, and the registry's passes per iteration (mean over the 50 iterations, ILA and FIA included), which is the cost relative to BIM in passes:"
)
lines.push('')
lines.push(
  `| technique | ${surrogates.map((s) => `${s.label} ex/s`).join(' | ')} | ${surrogates.map((s) => `${s.label} ratio to BIM`).join(' | ')} | spec passes/iteration |`
)
lines.push(
  `|---|${surrogates.map(() => '---').join('|')}|${surrogates.map(() => '---').join('|')}|---|`
)
for (const row of rows) {
  const examples = rowExamples(row)
  const repeats = rowRepeats(row)
  const rate = (s: (typeof surrogates)[number]) => {
    const cell = cache[`${s.name}|${row.id}|${examples}|${repeats}`]
    return cell ? (cell.attacked * cell.repeats) / cell.seconds : undefined
  }
  const bimRate = (s: (typeof surrogates)[number]) => {
    const cell = cache[`${s.name}|bim|${EXAMPLES}|${REPEATS}`]
    return cell ? (cell.attacked * cell.repeats) / cell.seconds : undefined
  }
  const passes = rowPasses(row)
  const rates = surrogates.map((s) => rate(s))
  const ratios = surrogates.map((s) => {
    const r = rate(s)
    const b = bimRate(s)
    return r && b ? (b / r).toFixed(2) : '—'
  })
  lines.push(
    `| ${row.label} | ${rates.map((r) => (r ? r.toFixed(r < 1 ? 3 : 1) : '—')).join(' | ')} | ${ratios.join(' | ')} | ${(passes / STEPS).toFixed(2)} |`
  )
}
if (Object.keys(lgvSeconds).length)
  lines.push(
    '',
    `LGV collection (10 epochs over the ${train.count} training images, K = 40, not in the ex/s above): ` +
      Object.entries(lgvSeconds)
        .map(([n, s]) => `${n} ${s.toFixed(0)} s`)
        .join(', ')
  )
lines.push('', `Wall time of this run: ${elapsed()} (cached models and cells are not recomputed).`)
console.log('\n' + lines.join('\n'))
await writeFile(join(DIR, 'table.md'), lines.join('\n') + '\n')
for (const m of [...targets, ...surrogates, ...partnerModels]) m.model.params.dispose()
