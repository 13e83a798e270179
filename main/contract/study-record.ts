/**
 * What the workspace stores about one study: `studies/<id>/study.json`, rewritten as every seed's
 * audit completes, so the run page and the report show the tables, curves and verdicts of the seeds
 * done so far. The CLI's `DIR/study.json` is this record.
 */
import { z } from 'zod'
import { RunStatus } from './run-record'
import { StudySpec } from './study-spec'

/** Job ids of studies start with this, so the audit view's job store leaves their events to the study page. */
export const STUDY_JOB_PREFIX = 'study-'

/** A cell over seeds: the per-seed values, their mean and sample standard deviation (shown as mean ± 2 std). */
export const SeedStat = z.object({ mean: z.number(), std: z.number(), values: z.array(z.number()) })
export type SeedStat = z.infer<typeof SeedStat>

/** One row of Table 3 on one surrogate architecture. */
export const Table3Row = z.object({
  row: z.string(),
  label: z.string(),
  /** Natural accuracy on the test split; null for LGV (an ensemble of collected members). */
  accuracy: SeedStat.nullable(),
  /** Transfer success per test target, by target name. */
  transfer: z.record(z.string(), SeedStat),
  /** Mean over the test targets, per seed, then over seeds. */
  average: SeedStat,
  /** Forward-backward passes relative to the SGD surrogate's full training (paper Table 3). */
  cost: SeedStat,
  /** Early-stopped rows: the chosen epoch per seed. */
  chosenEpochs: z.array(z.number().int()).optional()
})
export type Table3Row = z.infer<typeof Table3Row>

export const Table3 = z.object({
  surrogate: z.string(),
  targets: z.array(z.string()),
  rows: z.array(Table3Row)
})
export type Table3 = z.infer<typeof Table3>

/** One technique of Table 4: its transfer from the SGD and from the l-SAM surrogate. */
export const Table4Row = z.object({
  technique: z.string(),
  label: z.string(),
  sgd: z.object({ transfer: z.record(z.string(), SeedStat), average: SeedStat }),
  lsam: z.object({ transfer: z.record(z.string(), SeedStat), average: SeedStat })
})
export type Table4Row = z.infer<typeof Table4Row>

export const Table4 = z.object({
  surrogate: z.string(),
  targets: z.array(z.string()),
  rows: z.array(Table4Row)
})
export type Table4 = z.infer<typeof Table4>

/** Figures 4 and 5 for one SGD surrogate: per epoch, validation transfer and Hessian sharpness over seeds. */
export const StudyCurve = z.object({
  surrogate: z.string(),
  /** Epochs after which the LR was divided (the first epoch at the lower LR is the next one). */
  decays: z.array(z.number().int()),
  points: z.array(
    z.object({
      epoch: z.number().int(),
      lr: z.number(),
      transfer: SeedStat.nullable(),
      maxEigenvalue: SeedStat.nullable(),
      trace: SeedStat.nullable()
    })
  )
})
export type StudyCurve = z.infer<typeof StudyCurve>

/** A claim of the paper with its verdict on this data: true, false, or null ("not shown at this scale"). */
export const StudyClaim = z.object({
  id: z.string(),
  claim: z.string(),
  holds: z.boolean().nullable(),
  evidence: z.string()
})
export type StudyClaim = z.infer<typeof StudyClaim>

export const StudyResults = z.object({
  /** Seeds whose audit completed and entered the tables. */
  seeds: z.array(z.number().int()),
  table3: z.array(Table3),
  table4: z.array(Table4),
  curves: z.array(StudyCurve)
})
export type StudyResults = z.infer<typeof StudyResults>

export const StudySeedStatus = z.enum(['pending', 'running', 'completed', 'failed', 'cancelled'])

/** The parts of a seed's task time, as in the time estimate; tasks on several workers overlap. */
export const SeedTimePart = z.enum([
  'target training',
  'surrogate training',
  'per-epoch probes and checkpoints',
  'derived surrogates',
  'evaluation',
  'LGV collection',
  'attacks',
  'other'
])
export type SeedTimePart = z.infer<typeof SeedTimePart>

export const StudyRecord = z.object({
  id: z.string(),
  name: z.string(),
  status: RunStatus,
  createdAt: z.string(),
  finishedAt: z.string().optional(),
  spec: StudySpec,
  backend: z.string(),
  versions: z.record(z.string(), z.string()),
  /** The study's targets: where each lives in the zoo (trained by the study, or reused from an earlier one). */
  targets: z.array(
    z.object({
      name: z.string(),
      role: z.enum(['test', 'validation']),
      arch: z.string(),
      zooId: z.string(),
      reused: z.boolean(),
      /** The audit run that trained it, until it is in the zoo. */
      trainedIn: z.string().optional()
    })
  ),
  /** One audit run per seed; `time`: where its audit spent it (engine/studies/seed-time.ts). */
  seeds: z.array(
    z.object({
      seed: z.number().int(),
      runId: z.string().optional(),
      status: StudySeedStatus,
      seconds: z.number().optional(),
      time: z.partialRecord(SeedTimePart, z.number()).optional()
    })
  ),
  results: StudyResults,
  claims: z.array(StudyClaim),
  timings: z.record(z.string(), z.number()),
  error: z.string().optional(),
  resumed: z.object({ count: z.number().int().positive(), at: z.array(z.string()) }).optional()
})
export type StudyRecord = z.infer<typeof StudyRecord>

/** One line of the study list. */
export const StudySummary = z.object({
  id: z.string(),
  name: z.string(),
  status: RunStatus.or(z.literal('unreadable')),
  createdAt: z.string(),
  seedsDone: z.number().int(),
  seedsTotal: z.number().int(),
  problem: z.string().optional()
})
export type StudySummary = z.infer<typeof StudySummary>
