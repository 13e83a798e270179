/**
 * The standalone HTML document every report is wrapped in: inline print CSS, no script and no
 * remote resource (the Content-Security-Policy forbids both), so it renders offline and runs nothing.
 */
import { REPORT_CSS } from './report-css'
import { esc } from './report-format'

export function reportDocument(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body,
    '</main>',
    '</body>',
    '</html>',
    ''
  ].join('\n')
}
