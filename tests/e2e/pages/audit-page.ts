/** Page object for the main screen: run list, demo button, New audit form, job progress, results. */
import type { Locator, Page } from 'playwright-core'

export class AuditPage {
  constructor(readonly page: Page) {}

  get runDemoButton(): Locator {
    return this.page.getByTestId('run-demo')
  }
  get newAuditButton(): Locator {
    return this.page.getByTestId('new-audit')
  }
  get startAuditButton(): Locator {
    return this.page.getByTestId('start-audit')
  }
  /** An input of the New audit form by its spec path, e.g. `attack.eps` or `surrogates.0.name`. */
  formField(path: string): Locator {
    return this.page.getByTestId(`field-${path}`)
  }
  technique(id: string): Locator {
    return this.page.getByTestId(`tech-${id}`)
  }
  /** The New audit form's estimated time line ("measuring…", then a time on the active backend). */
  get timeEstimate(): Locator {
    return this.page.getByTestId('audit-time')
  }
  get backendName(): Locator {
    return this.page.getByTestId('backend-name')
  }
  get heatmap(): Locator {
    return this.page.getByTestId('heatmap')
  }
  get exportPdfButton(): Locator {
    return this.page.getByTestId('export-pdf')
  }
  rate(surrogate: string, target: string): Locator {
    return this.page.getByTestId(`rate-${surrogate}-${target}`)
  }
  taskBar(taskId: string): Locator {
    return this.page.getByTestId(`task-${taskId}`)
  }
  runItem(runId: string): Locator {
    return this.page.getByTestId(`run-${runId}`)
  }
}
