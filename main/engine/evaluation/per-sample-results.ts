/**
 * Per-sample results of a run's attacks, for the hand-over report's appendix: one CSV row per
 * (stack, surrogate, attacked test image) with the true label, the attack's goal, the surrogate's
 * prediction and, per target, its prediction and whether it was fooled. First repeat only (the
 * repeats of randomised stacks change the examples, not the images). Each attack task writes its
 * rows to `per-sample/<task>.csv`; the audit joins them into `runs/<id>/per-sample.csv`, which the
 * report cites and the app hands out.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { perSamplePreview, type PerSamplePreview } from '../report/handover-sections'
import { writeFileAtomic } from '../workspace/atomic-write'
import type { AdversarialBatch } from './export-adversarial'

export const PER_SAMPLE_FILE = 'per-sample.csv'

export class PerSampleResults {
  private readonly rows: string[] = []

  constructor(
    private readonly targets: string[],
    private readonly classNames: string[],
    private readonly targeted: boolean
  ) {}

  get count(): number {
    return this.rows.length
  }

  add(stack: string, surrogate: string, batch: AdversarialBatch): void {
    const name = (k: number): string => this.classNames[k] ?? String(k)
    batch.indices.forEach((index, i) => {
      const goal = batch.goals[i]
      const fooled = (p: number): boolean => (this.targeted ? p === goal : p !== batch.labels[i])
      const perTarget = this.targets.flatMap((t) => [
        name(batch.predictions[t][i]),
        fooled(batch.predictions[t][i]) ? '1' : '0'
      ])
      this.rows.push(
        csvLine([
          stack,
          surrogate,
          String(index),
          name(batch.labels[i]),
          name(goal),
          name(batch.predictions[surrogate][i]),
          ...perTarget
        ])
      )
    })
  }

  csv(): string {
    const header = [
      'stack',
      'surrogate',
      'test_index',
      'label',
      'goal',
      'surrogate_prediction',
      ...this.targets.flatMap((t) => [`${t}_prediction`, `${t}_fooled`])
    ]
    return [csvLine(header), ...this.rows].join('\n') + '\n'
  }

  async write(path: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true })
    await writeFileAtomic(path, this.csv())
  }
}

/** Joins the attack tasks' CSV files, in task order, under one header (targets agree: every attack scores every target). */
export async function joinPerSampleFiles(runDir: string, files: string[]): Promise<void> {
  let header: string | undefined
  const rows: string[] = []
  for (const file of files) {
    const lines = (await readFile(join(runDir, file), 'utf8'))
      .split('\n')
      .filter((l) => l.length > 0)
    header ??= lines[0]
    rows.push(...lines.slice(1))
  }
  if (header)
    await writeFileAtomic(join(runDir, PER_SAMPLE_FILE), [header, ...rows].join('\n') + '\n')
}

/** RFC 4180 quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvLine(fields: string[]): string {
  return fields.map((f) => (/[",\n\r]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')
}

/** The appendix's preview of a run's per-sample.csv, or null when the run has none. */
export async function readPerSamplePreview(runDir: string): Promise<PerSamplePreview | null> {
  const csv = await readFile(join(runDir, PER_SAMPLE_FILE), 'utf8').catch(() => null)
  return csv === null ? null : perSamplePreview(csv, PER_SAMPLE_FILE)
}
