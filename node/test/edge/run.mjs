// Runs the shared vectors and scenarios through doku-checkout/edge in whatever runtime runs this
// file (Node, Deno, Bun), and prints a summary: `# pass N` / `# fail N`; exit status 1 on any
// failure. The scenarios need DOKU_EMULATOR_URL (an emulator started with the scenario files'
// credentials); the module under test is argv[2] (default: the package's edge entry).
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { emulator, scenarioCases, vectorCases } from './conformance.mjs'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const jsonFiles = (dir) =>
  readdirSync(`${root}${dir}`)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, doc: JSON.parse(readFileSync(`${root}${dir}/${f}`, 'utf8')) }))

const runtime = globalThis.Deno ? `deno ${Deno.version.deno}` : globalThis.Bun ? `bun ${Bun.version}` : `node ${process.versions.node}`
const args = globalThis.Deno ? Deno.args : process.argv.slice(2)
const specifier = args[0] ?? '../../edge/index.mjs'
const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name])

const dc = await import(specifier)
await dc.ready
const cases = vectorCases(dc, jsonFiles('tests/vectors'))
const url = env('DOKU_EMULATOR_URL')
if (url) cases.push(...scenarioCases(dc, jsonFiles('tests/scenarios'), emulator(url)))

let pass = 0
let failed = 0
for (const c of cases) {
  try {
    await c.run()
    pass += 1
  } catch (err) {
    failed += 1
    console.log(`not ok - ${c.name}: ${err?.stack ?? err}`)
  }
}
console.log(`# doku-checkout/edge on ${runtime}: ${cases.length} cases (${url ? 'vectors and scenarios' : 'vectors only'})`)
console.log(`# pass ${pass}`)
console.log(`# fail ${failed}`)
if (failed > 0 || pass === 0) {
  if (globalThis.Deno) Deno.exit(1)
  process.exit(1)
}
