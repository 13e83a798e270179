/** Prints job events on stderr: one line per epoch and task, a live bar when stderr is a terminal. */
import { assertNever, type JobEvent, type TaskInfo } from '../contract/job-events'
import { formatDuration } from '../contract/time-estimate'

export function createProgressPrinter(
  stream: NodeJS.WriteStream = process.stderr
): (event: JobEvent) => void {
  const labels = new Map<string, string>()
  const live = stream.isTTY === true
  let lastLine = 0
  let lastWorkers = ''
  // A task's first progress line always prints: for a resumed run it says where the task picks up.
  const announced = new Set<string>()
  const bar = (value: number): string => '#'.repeat(Math.round(value * 20)).padEnd(20, '.')
  const line = (text: string): void => {
    if (live) stream.write('\r\x1b[2K')
    stream.write(text + '\n')
  }
  return (event) => {
    switch (event.kind) {
      case 'started':
        event.tasks.forEach((t: TaskInfo) => labels.set(t.id, t.label))
        line(`run ${event.runId} on ${event.backend}: ${event.tasks.length} tasks`)
        break
      case 'task-progress': {
        const text = `[${bar(event.value)}] ${(event.value * 100).toFixed(0).padStart(3)} % ${labels.get(event.taskId)}: ${event.detail}`
        if (live) stream.write('\r\x1b[2K' + text.slice(0, (stream.columns ?? 120) - 1))
        else if (Date.now() - lastLine > 5000 || event.value >= 1 || !announced.has(event.taskId)) {
          announced.add(event.taskId)
          lastLine = Date.now()
          stream.write(text + '\n')
        }
        break
      }
      case 'epoch': {
        const m = event.metrics
        const v = m.validationTransfer
        const probes =
          (v
            ? `, validation transfer ${(v.rate * 100).toFixed(1)} % (${v.fooled}/${v.attacked})`
            : '') +
          (m.sharpness
            ? `, λmax ${m.sharpness.maxEigenvalue.toPrecision(4)}, trace ${m.sharpness.trace.toPrecision(4)}`
            : '')
        line(
          `  ${event.model} epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, train ${(m.trainAccuracy * 100).toFixed(1)} %, test ${(m.testAccuracy * 100).toFixed(1)} %, lr ${Number(m.lr.toPrecision(4))}, ${m.seconds.toFixed(1)} s${probes}`
        )
        break
      }
      case 'task-done':
        line(`done: ${labels.get(event.taskId)} (${event.seconds.toFixed(1)} s)`)
        break
      case 'workers': {
        // One line when a worker takes a task, not on every ETA update.
        const busy = event.workers.flatMap((w) =>
          w.taskId ? [`${w.name}: ${labels.get(w.taskId) ?? w.taskId}`] : []
        )
        if (busy.length === 0 || busy.join() === lastWorkers) break
        lastWorkers = busy.join()
        const eta = event.etaSeconds === null ? '' : `, ${formatDuration(event.etaSeconds)} left`
        line(`  audit ${(event.done * 100).toFixed(0)} % done${eta} | ${busy.join(' | ')}`)
        break
      }
      case 'study-updated':
        line(`study: ${event.seedsDone} of ${event.seedsTotal} seeds done`)
        break
      case 'completed':
        line('audit completed')
        break
      case 'failed':
        line(`audit failed: ${event.message}`)
        break
      case 'cancelled':
        line('audit cancelled')
        break
      default:
        assertNever(event)
    }
  }
}
