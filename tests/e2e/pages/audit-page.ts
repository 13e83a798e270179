/** Page object for the main screen: run list, demo button, job progress, results. */
import type { Locator, Page } from 'playwright-core'

export class AuditPage {
  constructor(readonly page: Page) {}

  get runDemoButton(): Locator {
    return this.page.getByTestId('run-demo')
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
