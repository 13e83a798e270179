/**
 * The audit's own result sections, shared by every report document: threat model, transfer results
 * (heatmap, table, white-box rates), the models table, dataset, environment, gallery and curves.
 */
import { attackQueue, hasSeveralStacks, transferRowLabel } from '../../contract/attack-queue'
import { isFooled, type RunGallery } from '../../contract/run-gallery'
import type { AuditResults, ModelResult, RunRecord, TransferCell } from '../../contract/run-record'
import { formatPercent, renderTrainingCurvesSvg, renderTransferHeatmapSvg } from './heatmap-svg'
import { isImportedSurrogate } from '../../contract/onnx-surrogate'
import type { ModelSpec } from '../../contract/audit-spec'
import {
  esc,
  formatCount,
  formatDuration,
  formatEpsilon,
  formatTimestamp,
  shortHash
} from './report-format'
import { techniquesRow } from './techniques-row'

export function threatModel(run: RunRecord): string {
  const a = run.spec.attack
  const surrogates = run.spec.surrogates.map((m) => m.name)
  const targets = [...run.spec.targets, ...(run.spec.importedTargets ?? [])].map((m) => m.name)
  return `<section>
<h2 class="numbered">Threat model</h2>
<p>The attacker trains a surrogate model on the same task, crafts adversarial examples on it with full (white-box) access, and submits them unchanged to the targets, which it never queries (transfer-based black-box attack).</p>
<table class="kv">
<tr><th>Attack</th><td>BIM — Basic Iterative Method (Kurakin, Goodfellow &amp; Bengio, “Adversarial examples in the physical world”, ICLR 2017 workshop)</td></tr>
${techniquesRow(a.stack)}
<tr><th>Norm</th><td>L∞ (every pixel moves by at most ε, pixels in [0, 1])</td></tr>
<tr><th>Budget ε</th><td>${esc(formatEpsilon(a.eps))}</td></tr>
<tr><th>Steps</th><td>${a.steps}</td></tr>
<tr><th>Step size</th><td>${esc(formatEpsilon(a.stepSize))}</td></tr>
<tr><th>Goal</th><td>untargeted: an example counts as a success when the model predicts any wrong class</td></tr>
<tr><th>Surrogate access</th><td>white-box (weights and gradients) — ${esc(surrogates.join(', '))}</td></tr>
<tr><th>Target access</th><td>none: no queries, no gradients — ${esc(targets.join(', '))}</td></tr>
<tr><th>Examples</th><td>at most ${formatCount(a.maxExamples)} test images, in batches of ${a.batchSize}</td></tr>
</table>
${queueTable(run)}
</section>`
}

export function dataset(run: RunRecord): string {
  const d = run.dataset
  return `<h3>Dataset</h3>
<table class="kv">
<tr><th>Name</th><td>${esc(d.name)}</td></tr>
<tr><th>Training images</th><td>${formatCount(d.train)}</td></tr>
<tr><th>Test images</th><td>${formatCount(d.test)}</td></tr>
<tr><th>Image shape</th><td>${d.shape.map((n) => String(n)).join(' × ')} (height × width × channels)</td></tr>
</table>`
}

export function modelsSection(run: RunRecord, models: ModelResult[]): string {
  if (models.length === 0) return '<p class="empty">The run recorded no models.</p>'
  const seedOf = (name: string): number | undefined =>
    [...run.spec.surrogates, ...run.spec.targets]
      .filter((m): m is ModelSpec => !isImportedSurrogate(m))
      .find((m) => m.name === name)?.seed
  const rows = models
    .map(
      (m) => `<tr>
<td class="name">${esc(m.name)}</td><td>${esc(m.role)}</td><td>${esc(m.arch)}</td>
<td class="num">${seedOf(m.name) ?? '—'}</td><td class="num">${formatCount(m.params)}</td><td class="num">${formatPercent(m.accuracy)}</td>
<td class="num">${m.epochs.length || '—'}${m.chosenEpoch ? ` (kept ${m.chosenEpoch.epoch})` : ''}</td><td class="num">${esc(formatDuration(m.trainSeconds))}</td>
<td class="mono">${esc(shortHash(m.hash))}</td>
</tr>`
    )
    .join('\n')
  return `<table class="grid">
<thead><tr><th>Name</th><th>Role</th><th>Architecture</th><th class="num">Seed</th><th class="num">Parameters</th><th class="num">Natural accuracy</th><th class="num">Epochs</th><th class="num">Training time</th><th>Weights sha256</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="note">Natural accuracy: share of the whole test split classified correctly without attack. The hash is the first 12 hex digits of the weights' sha256 (of the model file for imported targets); the seed fixes initialisation, data order and augmentation.</p>
${models
  .filter((m) => m.chosenEpoch)
  .map(
    (m) =>
      `<p class="note">Early stopping: ${esc(m.name)} keeps epoch ${m.chosenEpoch!.epoch}, ${esc(m.chosenEpoch!.reason)}, chosen on held-out validation images and validation targets only.</p>`
  )
  .join('\n')}`
}

export function transferSection(run: RunRecord, results: AuditResults): string {
  const e = results.evaluated
  const capped =
    e.allCorrect > e.attacked
      ? ` ${formatCount(e.allCorrect)} images qualified; the attack used the first ${formatCount(e.attacked)} (limit: ${formatCount(run.spec.attack.maxExamples)}).`
      : ''
  const denominator = `<p class="denominator">Success rates are measured on ${formatCount(e.attacked)} test images that every target classified correctly, out of ${formatCount(e.candidates)} candidates.${capped} An image counts as fooled when the target's prediction on its adversarial version is wrong.</p>`
  if (results.transfer.length === 0)
    return `<section><h2 class="numbered">Transfer results</h2><p class="empty">The run recorded no transfer results.</p>${denominator}</section>`
  let heatmap: string
  try {
    heatmap = `<figure class="chart">${renderTransferHeatmapSvg(results.transfer)}<figcaption>Transfer success rate, ${hasSeveralStacks(results.transfer) ? 'stack · surrogate' : 'surrogate'} (rows) → target (columns). Colour scale fixed to 0–100 %.</figcaption></figure>`
  } catch (error) {
    heatmap = `<p class="error-text">The heatmap could not be drawn: ${esc(error instanceof Error ? error.message : String(error))}</p>`
  }
  const several = hasSeveralStacks(results.transfer)
  const rows = results.transfer.map((c) => transferRow(c, several)).join('\n')
  const whiteBoxRows = results.whiteBox
    .map(
      (w) =>
        `<tr><td class="name">${esc(transferRowLabel(w, several))}</td><td class="num">${formatPercent(w.successRate)}</td></tr>`
    )
    .join('\n')
  const whiteBox = results.whiteBox.length
    ? `<h3>White-box success rate</h3>
<table class="grid narrow">
<thead><tr><th>Surrogate</th><th class="num">Success rate on itself</th></tr></thead>
<tbody>
${whiteBoxRows}
</tbody>
</table>
<p class="note">Each surrogate attacked with its own adversarial examples. A rate near 100 % shows the attack works; the transfer rates above measure how much of that carries over to models the attacker never saw.</p>`
    : ''
  return `<section class="transfer">
<h2 class="numbered">Transfer results</h2>
${heatmap}
<table class="grid">
<thead><tr>${several ? '<th>Stack</th>' : ''}<th>Surrogate</th><th>Target</th><th class="num">Success rate</th><th class="num">Fooled / attacked</th><th class="bar-col"></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${denominator}
${whiteBox}
<p class="note">Attack time: ${esc(formatDuration(results.attackSeconds))}.</p>
</section>`
}

function transferRow(c: TransferCell, several: boolean): string {
  const width = Math.max(0, Math.min(100, c.successRate * 100)).toFixed(1)
  return `<tr>${several ? `<td class="name">${esc(c.attack ?? '')}</td>` : ''}<td class="name">${esc(c.surrogate)}</td><td class="name">${esc(c.target)}</td><td class="num strong">${formatPercent(c.successRate)}${(c.repeats ?? 1) > 1 ? ` <span class="spread">± ${formatPercent(2 * (c.std ?? 0))} (${c.repeats} seeds)</span>` : ''}</td><td class="num">${formatCount(c.fooled)} / ${formatCount(c.attacked)}</td><td class="bar-col"><span class="bar"><span style="width:${width}%"></span></span></td></tr>`
}

/** The queued stacks, when there are several: label, techniques' budget and surrogates. */
export function queueTable(run: RunRecord): string {
  if (!run.spec.attacks) return ''
  const rows = attackQueue(run.spec)
    .map(
      (q) =>
        `<tr><td class="name">${esc(q.label)}</td><td>${q.attack.norm === 'linf' ? 'L∞' : 'L2'} ε = ${esc(formatEpsilon(q.attack.eps))}, ${q.attack.steps} steps, repeats ${q.attack.repeats}${q.attack.targeted ? ', targeted' : ''}</td><td>${esc(q.surrogates.join(', '))}</td></tr>`
    )
    .join('\n')
  return `<h3>Queued attack stacks</h3>
<table class="grid">
<thead><tr><th>Stack</th><th>Budget</th><th>Surrogates</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<p class="note">Every stack attacks the same test images with the same seeds; the rows above (budget, steps) describe the first stack. Stacks without randomness run once whatever their repeats.</p>`
}

/** A few examples per (stack, surrogate): clean, adversarial, amplified perturbation and each target's call. */
export function gallerySection(gallery: RunGallery): string {
  const perEntry = 6
  const entries = gallery.entries.filter((e) => e.examples.length > 0)
  if (entries.length === 0) return ''
  const name = (k: number): string => gallery.classNames[k] ?? String(k)
  const blocks = entries
    .map((entry) => {
      const cells = entry.examples
        .slice(0, perEntry)
        .map((x) => {
          const calls = entry.targets
            .map((t) => {
              const fooled = isFooled(x.predictions[t], x, entry.targeted)
              return `<li class="${fooled ? 'fooled' : 'held'}">${esc(t)}: ${esc(name(x.predictions[t]))}${fooled ? ' ✗' : ' ✓'}</li>`
            })
            .join('')
          return `<div class="ex"><div class="imgs"><img src="${x.original}" alt="original"><img src="${x.adversarial}" alt="adversarial"><img src="${x.perturbation}" alt="perturbation"></div><p>${esc(name(x.label))} → ${esc(name(x.surrogatePrediction))}</p><ul>${calls}</ul></div>`
        })
        .join('')
      return `<h4>${esc(entry.attack)} · ${esc(entry.surrogate)}</h4><div class="gallery">${cells}</div>`
    })
    .join('\n')
  return `<div class="gallery-section">
<h3>Example gallery</h3>
<p class="note">Each example: original, adversarial, perturbation amplified (${esc(gallery.perturbationScale)}). Below: true class → surrogate's prediction, then each target's prediction on the adversarial image (✗ fooled, ✓ not fooled). First ${perEntry} attacked examples of the first seed.</p>
${blocks}
</div>`
}

export function curvesSection(models: ModelResult[]): string {
  if (!models.some((m) => m.epochs.length > 0)) return ''
  return `<div class="curves">
<h3>Training curves</h3>
<figure class="chart">${renderTrainingCurvesSvg(models)}<figcaption>Per-epoch training loss and test accuracy. Dashed lines: surrogates; solid lines: targets.</figcaption></figure>
</div>`
}

export function environment(run: RunRecord): string {
  const versions = Object.entries(run.versions)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td class="mono">${esc(v)}</td></tr>`)
    .join('\n')
  const timings = Object.entries(run.timings)
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td class="num">${esc(formatDuration(v))}</td></tr>`)
    .join('\n')
  return `<div class="environment">
<h3>Run and environment</h3>
<div class="columns">
<table class="kv">
<tr><th>Status</th><td><span class="badge badge-${esc(run.status)}">${esc(run.status)}</span></td></tr>
<tr><th>Started</th><td>${esc(formatTimestamp(run.createdAt))}</td></tr>
<tr><th>Finished</th><td>${run.finishedAt ? esc(formatTimestamp(run.finishedAt)) : '—'}</td></tr>
<tr><th>Seed</th><td>${run.seed}</td></tr>
<tr><th>Backend</th><td>${esc(run.backend)}</td></tr>
${versions}
</table>
<table class="kv">
<tr><th colspan="2" class="sub">Timings</th></tr>
${timings || '<tr><td colspan="2">none recorded</td></tr>'}
</table>
</div>
</div>`
}
