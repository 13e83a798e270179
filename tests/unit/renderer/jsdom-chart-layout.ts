/**
 * jsdom has no layout: elements get a size so ECharts draws, and a ResizeObserver for `autoresize`.
 * zrender measures text on a canvas; jsdom has none and logs a warning per call, so say "no canvas"
 * quietly. For `beforeAll` of the tests that mount a chart.
 */
export function fakeChartLayout(): void {
  HTMLCanvasElement.prototype.getContext = (() =>
    null) as typeof HTMLCanvasElement.prototype.getContext
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get: () => 600
  })
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get: () => 300
  })
  globalThis.ResizeObserver ??= class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  }
}
