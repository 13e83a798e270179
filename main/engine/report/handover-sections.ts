/**
 * The hand-over report's prose sections, each written from the run record: the methodology the
 * numbers come from, the limitations a reader must weigh them with, and the appendix pointing at
 * the per-sample results (per-sample.csv) with a preview.
 */
import { attackQueue } from '../../contract/attack-queue'
import { describeStack } from '../../contract/attack-stack'
import { describeMinimizer } from '../../contract/training-presets'
import type { AuditResults, RunRecord } from '../../contract/run-record'
import { FINE_TUNE_PRESETS, isImportedSurrogate } from '../../contract/onnx-surrogate'
import type { ModelSpec } from '../../contract/audit-spec'
import { esc, formatCount, formatEpsilon, formatGreyLevels } from './report-format'

export function methodology(run: RunRecord, results: AuditResults | undefined): string {
  const spec = run.spec
  const models = [
    ...spec.surrogates
      .filter((m): m is ModelSpec => !isImportedSurrogate(m))
      .map((m) => ({ m, role: 'Surrogate' })),
    ...spec.targets.map((m) => ({ m, role: 'Target' }))
  ]
  const trained = models
    .map(
      ({ m, role }) =>
        `<li>${role} <strong>${esc(m.name)}</strong>: ${esc(m.arch)} (width ${m.width}), ${esc(describeMinimizer(m.recipe.minimizer))}${m.recipe.adversarial ? ' + adversarial training' : ''}, ${m.recipe.epochs} epochs, batch ${m.recipe.batchSize}, LR ${m.recipe.lr}, seed ${m.seed}${m.earlyStopping ? ', early-stopped on validation targets' : ''}.</li>`
    )
    .join('\n')
  const importedSurrogates = spec.surrogates
    .filter(isImportedSurrogate)
    .map(
      (s) =>
        `<li>Surrogate <strong>${esc(s.name)}</strong>: imported ONNX file${s.fineTune ? `, fine-tuned (${esc(FINE_TUNE_PRESETS[s.fineTune.preset].label)})` : ''}, forward pass checked against onnxruntime.</li>`
    )
  const imported = (spec.importedTargets ?? [])
    .map(
      (t) =>
        `<li>Target <strong>${esc(t.name)}</strong>: imported ${esc(t.format)} file, scored as a black box (predicted labels only).</li>`
    )
    .join('\n')
  const queue = attackQueue(spec)
  const repeats = Math.max(...queue.map((q) => q.attack.repeats))
  const e = results?.evaluated
  return `<section>
<h2 class="numbered">Methodology</h2>
<ol class="steps">
<li><strong>Models.</strong> Every model is trained from its seed on the ${formatCount(run.dataset.train)} training images of ${esc(run.dataset.name)} (the attacker's data and the defender's are the same here):
<ul>
${trained}
${importedSurrogates.join('\n')}
${imported}
</ul></li>
<li><strong>Images attacked.</strong> ${e ? `Of ${formatCount(e.candidates)} test images, ${formatCount(e.allCorrect)} are classified correctly by every target; the first ${formatCount(e.attacked)} are attacked` : 'The test images every target classifies correctly are attacked'} (at most ${formatCount(spec.attack.maxExamples)}), so a success is a change the attack caused, not a natural error.</li>
<li><strong>Attacks.</strong> ${queue.map((q) => `${esc(q.label)} (${esc(describeStack(q.attack.stack))}, ${q.attack.norm === 'linf' ? 'L∞' : 'L2'} ε = ${esc(q.attack.norm === 'linf' ? formatEpsilon(q.attack.eps) : String(q.attack.eps))}, ${q.attack.steps} steps of ${esc(q.attack.norm === 'linf' ? formatGreyLevels(q.attack.stepSize) : String(q.attack.stepSize))})`).join('; ')}, crafted with full access to each surrogate and submitted unchanged to every target.</li>
<li><strong>Success.</strong> ${spec.attack.targeted ? 'A target is fooled when it predicts the goal class (y + 1) mod C.' : 'A target is fooled when it predicts any wrong class.'} The rate is fooled / attacked, always shown with its denominator.</li>
<li><strong>Spread.</strong> Randomised stacks run ${repeats} seed${repeats === 1 ? '' : 's'}; their rate is the mean and ± 2 std the spread over seeds. A deterministic stack runs once and its ± 2 std is the binomial standard error √(p(1−p)/n) of its n images. Two rates differ meaningfully when the gap exceeds 2·√(σ₁² + σ₂²).</li>
<li><strong>White-box control.</strong> Each surrogate is also scored on its own examples: a rate near 100 % shows the attack works before it has to transfer.</li>
${results?.harden ? hardenMethod(results) : ''}
</ol>
</section>`
}

function hardenMethod(results: AuditResults): string {
  const h = results.harden!
  const s = h.settings
  return `<li><strong>Harden step.</strong> Stand-ins of ${esc(h.target.name ?? h.target.arch)} (${esc(h.target.arch)}, width ${h.target.width}) are trained with the same recipe and seed, changing only the defensive recipe; the audit's stacks attack them from the same surrogates on the ${formatCount(h.evaluated.attacked)} test images every stand-in classifies correctly. Adversarial training: L∞ PGD, ε = ${esc(formatEpsilon(s.adversarialTraining.eps))}, ${s.adversarialTraining.steps} steps of ${s.adversarialTraining.stepSize.toPrecision(3)}, random start. White-box robust accuracy: PGD-${s.whiteBox.steps} at ε = ${esc(formatGreyLevels(s.whiteBox.eps))} with the stand-in's own gradients, ${s.whiteBox.restarts} restart${s.whiteBox.restarts === 1 ? '' : 's'}, first ${formatCount(s.whiteBox.examples)} test images. Robust-loss flatness (Stutz et al. 2021): the robust loss is the cross-entropy on PGD-${s.flatness.pgdSteps} examples at ε = ${esc(formatGreyLevels(s.flatness.eps))}, recomputed on perturbed weights; average-case = mean increase over ${s.flatness.average.samples} random layer-wise perturbations of relative size ξ = ${s.flatness.average.xi}; worst-case = largest increase over ${s.flatness.worst.restarts} joint input-weight ascents (${s.flatness.worst.steps} steps) within ξ = ${s.flatness.worst.xi}; normalisation layers are not perturbed; ${formatCount(s.flatness.examples)} test images; lower is flatter. Ranking score = transfer reduction − ${s.accuracyWeight} × accuracy cost, in points against SGD.</li>`
}

export function limitations(run: RunRecord, results: AuditResults | undefined): string {
  const spec = run.spec
  const items: string[] = [
    `Surrogates trained on ${formatCount(run.dataset.train)} images of ${esc(run.dataset.name)}; an attacker with more data, other architectures or more training can build stronger surrogates, so these rates are a floor, not a ceiling.`,
    `Only the stacks listed, at ε = ${esc(formatGreyLevels(spec.attack.eps))} (${spec.attack.norm === 'linf' ? 'L∞' : 'L2'}) and ${spec.attack.steps} steps, are covered; larger budgets, other transfer techniques and query-based attacks are not.`
  ]
  if (results)
    items.push(
      `Rates rest on ${formatCount(results.evaluated.attacked)} attacked images: differences inside the ± 2 std spreads are not evidence.`
    )
  if (spec.targets.length)
    items.push(
      `Targets trained in Flatline (${spec.targets.map((t) => esc(t.name)).join(', ')}) stand in for in-house models; rates on the real models may differ.`
    )
  if (spec.importedTargets?.length)
    items.push(
      'Imported targets are scored with the preprocessing given in the spec; a wrong preprocessing shows as low natural accuracy (Models).'
    )
  const h = results?.harden
  if (h) {
    const f = h.settings.flatness
    items.push(
      `Harden stand-ins are retrained models of the same architecture and recipe, not the deployed model itself; the recommendation carries over only as far as its training does.`
    )
    items.push(
      `White-box robustness is measured with PGD-${h.settings.whiteBox.steps}; stronger attacks (more steps, restarts, AutoAttack) can lower it.`
    )
    if (f.examples < 1000 || f.average.samples < 10 || f.worst.restarts < 10)
      items.push(
        `Flatness measured on ${formatCount(f.examples)} images with ${f.average.samples} random and ${f.worst.restarts} worst-case perturbations (Stutz et al.: 1,000, 10 and 10), so its values are noisier than the paper's.`
      )
  }
  return `<section>
<h2 class="numbered">Limitations</h2>
<ul class="limits">
${items.map((i) => `<li>${i}</li>`).join('\n')}
</ul>
</section>`
}

/** The first rows of per-sample.csv and how many there are, as the appendix shows them. */
export interface PerSamplePreview {
  file: string
  header: string[]
  rows: string[][]
  total: number
}

/** Reads a preview from the CSV text (simple fields: names are validated, so no quoting occurs in practice). */
export function perSamplePreview(csv: string, file: string, rows = 8): PerSamplePreview {
  const lines = csv.split('\n').filter((l) => l.length > 0)
  const split = (l: string): string[] => l.split(',')
  return {
    file,
    header: split(lines[0] ?? ''),
    rows: lines.slice(1, 1 + rows).map(split),
    total: Math.max(0, lines.length - 1)
  }
}

export function perSampleAppendix(preview: PerSamplePreview | null | undefined): string {
  if (!preview)
    return `<h3>Per-sample results</h3><p class="empty">This run has no per-sample results (runs before this report version, or a run that stopped before its attacks).</p>`
  const head = preview.header.map((h) => `<th>${esc(h)}</th>`).join('')
  const rows = preview.rows
    .map((r) => `<tr>${r.map((f) => `<td>${esc(f)}</td>`).join('')}</tr>`)
    .join('\n')
  return `<h3>Per-sample results</h3>
<p>${formatCount(preview.total)} rows in <span class="mono">${esc(preview.file)}</span>, handed out with this report: one per attacked image and stack · surrogate (first seed), with the true label, the goal, the surrogate's prediction and each target's prediction and whether it was fooled (1). The first ${preview.rows.length}:</p>
<table class="grid csv-preview"><thead><tr>${head}</tr></thead><tbody>
${rows}
</tbody></table>`
}
