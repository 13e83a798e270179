/** The print stylesheet every report document shares: A4 pages, tables, badges, charts, the gallery. */
export const REPORT_CSS = `
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: "Helvetica Neue", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif;
  font-size: 9.5pt; line-height: 1.45; color: #1f2633; background: #fff; }
main { max-width: 180mm; margin: 0 auto; counter-reset: section; }
h2.numbered::before { counter-increment: section; content: counter(section) ". "; }
@media screen { main { padding: 12mm 0; } }
header { border-bottom: 2px solid #1f2633; padding-bottom: 8px; margin-bottom: 14px; }
.kicker { margin: 0; font-size: 8pt; letter-spacing: .08em; text-transform: uppercase; color: #8a1c2b; font-weight: 600; }
h1 { margin: 4px 0 8px; font-size: 18pt; line-height: 1.2; font-weight: 700; overflow-wrap: anywhere; }
h2 { margin: 18px 0 6px; font-size: 12pt; border-bottom: 1px solid #d5d9e0; padding-bottom: 3px; break-after: avoid; }
h3 { margin: 12px 0 4px; font-size: 10pt; break-after: avoid; }
p { margin: 4px 0; }
dl.meta { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0; font-size: 8.5pt; }
dl.meta div { display: flex; gap: 6px; }
dl.meta dt { color: #5b6474; }
dl.meta dd { margin: 0; font-weight: 600; }
.mono { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: 8.5pt; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 8pt; font-weight: 700;
  text-transform: uppercase; letter-spacing: .04em; background: #e6e9ee; color: #1f2633; }
.badge-completed { background: #dff1e6; color: #1c6b3a; }
.badge-failed, .badge-interrupted { background: #fbe3e4; color: #8a1c2b; }
.badge-cancelled, .badge-running { background: #fdf0d5; color: #7a5200; }
section { margin: 0; }
.notice { border: 1px solid #e0b4b8; border-left: 4px solid #8a1c2b; background: #fdf5f5; padding: 8px 12px; margin: 10px 0; break-inside: avoid; }
.notice h2 { border: 0; margin: 0 0 4px; color: #8a1c2b; }
.error-text { color: #8a1c2b; font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 8.5pt; white-space: pre-wrap; overflow-wrap: anywhere; }
.findings { display: grid; grid-template-columns: 1.4fr 1fr 1fr 1fr; gap: 8px; margin: 12px 0 4px; break-inside: avoid; }
.kpi { border: 1px solid #d5d9e0; border-radius: 4px; padding: 7px 10px; }
.kpi-main { border-color: #e4a3a9; background: #fdf5f5; }
.kpi h3 { margin: 0; font-size: 7.5pt; font-weight: 600; color: #5b6474; text-transform: uppercase; letter-spacing: .05em; }
.kpi .figure { margin: 2px 0 0; font-size: 15pt; font-weight: 700; line-height: 1.2; }
.kpi-main .figure { color: #8a1c2b; }
.kpi p:last-child { font-size: 8pt; color: #5b6474; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 4px 0; }
tr { break-inside: avoid; }
th, td { text-align: left; vertical-align: top; padding: 3px 8px 3px 0; }
table.kv th { width: 32%; font-weight: 600; color: #5b6474; }
table.kv td, table.kv th { border-bottom: 1px solid #eef0f3; }
table.kv th.sub { color: #1f2633; }
table.grid thead th { font-size: 8pt; font-weight: 600; color: #5b6474; border-bottom: 1.5px solid #1f2633; padding-bottom: 4px; }
table.grid td { border-bottom: 1px solid #e6e9ee; }
table.grid.narrow { width: 60%; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.strong { font-weight: 700; }
.spread { font-weight: 400; color: #555; font-size: 0.9em; }
.name { overflow-wrap: anywhere; font-weight: 600; }
.bar-col { width: 28%; padding-left: 10px; }
.bar { display: block; height: 8px; margin-top: 4px; background: #eef0f3; border-radius: 2px; overflow: hidden; }
.bar span { display: block; height: 100%; background: #c8364a; }
.denominator { margin-top: 6px; padding: 6px 10px; background: #f4f6f8; border-left: 3px solid #5b6474; font-size: 9pt; }
.note { font-size: 8pt; color: #5b6474; }
.empty { color: #5b6474; font-style: italic; }
figure.chart { margin: 8px 0 10px; text-align: center; break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-size: 8pt; color: #5b6474; margin-top: 2px; }
.columns { display: grid; grid-template-columns: 3fr 2fr; gap: 18px; align-items: start; }
.columns table.kv th { width: auto; white-space: nowrap; }
.environment { break-inside: avoid; }
.gallery { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px 10px; break-inside: avoid; }
.ex { break-inside: avoid; font-size: 7.5pt; }
.ex .imgs { display: flex; gap: 2px; }
.ex img { width: 56px; height: 56px; image-rendering: pixelated; border: 1px solid #d5d9e0; }
.ex p { margin: 1px 0; }
.ex ul { margin: 0; padding: 0; list-style: none; }
.ex li.fooled { color: #8a1c2b; }
.ex li.held { color: #1c6b3a; }
h4 { margin: 8px 0 3px; font-size: 9pt; break-after: avoid; }
.exec { break-after: page; }
.exec h2 { margin-top: 8px; }
table.exec-table { table-layout: fixed; }
table.exec-table th:nth-child(1) { width: 21%; }
table.exec-table th:nth-child(2) { width: 31%; }
table.exec-table th:nth-child(3) { width: 20%; }
table.exec-table th:nth-child(4) { width: 15%; }
table.exec-table td.name { overflow-wrap: normal; word-break: normal; }
table.exec-table thead th { white-space: normal; }
.lead { font-size: 10pt; margin: 6px 0 8px; }
.risk { display: inline-block; min-width: 58px; padding: 0 5px; border-radius: 3px; font-size: 8pt; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; text-align: center; }
.risk-high { background: #8a1c2b; color: #fff; }
.risk-elevated { background: #f3c7cc; color: #6b1421; }
.risk-moderate { background: #fdf0d5; color: #7a5200; }
.risk-low { background: #dff1e6; color: #1c6b3a; }
.risk-words { font-size: 8.5pt; color: #3b4352; }
.callout { border: 1px solid #d5d9e0; border-left: 4px solid #1f2633; background: #f7f8fa; padding: 6px 12px; margin: 10px 0; break-inside: avoid; }
.callout h3 { margin: 2px 0 4px; }
ol.steps, ul.limits, ul.evidence { margin: 4px 0; padding-left: 18px; }
ol.steps li, ul.limits li { margin: 3px 0; }
ul.evidence { font-size: 8pt; color: #3b4352; }
.warning-text { color: #7a5200; background: #fdf6e3; border-left: 3px solid #c48a00; padding: 4px 8px; font-size: 8.5pt; }
/* The ranking (at most six rows) with its lead-in and note stays on one page, not split after a row. */
.harden-ranking { break-inside: avoid; }
table.harden-table { table-layout: fixed; font-size: 8pt; }
table.harden-table th, table.harden-table td.num { white-space: normal; }
table.harden-table th:nth-child(1) { width: 6%; }
table.harden-table th:nth-child(2) { width: 22%; }
table.harden-table th:nth-child(3), table.harden-table th:nth-child(4) { width: 11%; }
table.harden-table th:nth-child(5), table.harden-table th:nth-child(6) { width: 14%; }
table.harden-table th:nth-child(7) { width: 13%; }
table.harden-table th:nth-child(8) { width: 9%; }
table.harden-table tr.chosen td { background: #eef6f0; }
table.csv-preview { font-size: 7.5pt; }
table.csv-preview td, table.csv-preview th { padding-right: 5px; }
.appendix { break-before: page; }
.better { color: #2b59c3; }
.worse { color: #a5152a; }
footer { margin-top: 18px; padding-top: 6px; border-top: 1px solid #d5d9e0; font-size: 7.5pt; color: #5b6474; }
`
