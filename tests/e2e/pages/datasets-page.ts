/** Page object for the Datasets view: source, Inspect, class counts chart, sample grid. */
import type { Locator, Page } from 'playwright-core'

export class DatasetsPage {
  constructor(readonly page: Page) {}

  get openButton(): Locator {
    return this.page.getByTestId('open-datasets')
  }
  get source(): Locator {
    return this.page.getByTestId('dataset-source')
  }
  get inspectButton(): Locator {
    return this.page.getByTestId('dataset-inspect')
  }
  get inspection(): Locator {
    return this.page.getByTestId('dataset-inspection')
  }
  /** The class counts chart (ECharts renders SVG, so its axis labels are text nodes). */
  get chart(): Locator {
    return this.inspection.locator('.chart')
  }
  get sampleRows(): Locator {
    return this.page.getByTestId('dataset-samples').locator('.samples__row')
  }
  get sampleImages(): Locator {
    return this.page.getByTestId('dataset-samples').locator('img')
  }
}
