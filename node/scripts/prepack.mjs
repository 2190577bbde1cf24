// `npm pack` / `npm publish` from a checkout run this first (package.json "prepack"): it refuses to
// pack a package that would not work or is not a release build, instead of shipping one that
// fails at import time.
// - Every entry of "files" must exist (a pattern must match a file): the WebAssembly build in
//   wasm/ (the edge export and the fallback) and the addon's loader and declarations above all.
// - The addon (native/*.node) and the .wasm must be release builds: no DWARF debug sections, and
//   no test-only `conformance` entry point (in the glue, the addon's declarations, or the module).
// DOKU_CHECKOUT_PACK_DEV_BUILD=1 lets a debug or test build through (for packing a checkout to try
// it in another project; the repository's own tests do so); a missing file is refused always.
// Usage: node scripts/prepack.mjs [package-dir]
import fs from 'node:fs'
import path from 'node:path'

const dir = path.resolve(process.argv[2] ?? '.')
const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'))
const allowDev = process.env.DOKU_CHECKOUT_PACK_DEV_BUILD === '1'
const problems = []
const devBuild = []

/** The files an entry of "files" names: itself, or what a `dir/*suffix` pattern matches. */
function matches(entry) {
  const star = entry.indexOf('*')
  if (star < 0) return fs.existsSync(path.join(dir, entry)) ? [entry] : []
  const folder = path.dirname(entry)
  const suffix = entry.slice(star + 1)
  const where = path.join(dir, folder)
  if (!fs.existsSync(where)) return []
  return fs.readdirSync(where).filter((name) => name.endsWith(suffix)).map((name) => path.join(folder, name))
}

for (const entry of pkg.files) {
  if (matches(entry).length === 0) problems.push(`${entry} is missing`)
}

const has = (file, text) => fs.existsSync(file) && fs.readFileSync(file).includes(Buffer.from(text))
for (const addon of matches('native/*.node')) {
  if (has(path.join(dir, addon), '.debug_info')) devBuild.push(`${addon} is a debug build (it has DWARF debug sections)`)
}
if (has(path.join(dir, 'native/index.d.ts'), 'conformance')) devBuild.push('native/index.d.ts declares the test-only conformance entry point: the addon is a test build')
if (has(path.join(dir, 'wasm/doku_checkout_wasm.mjs'), 'conformanceRun')) devBuild.push('wasm/ is a test build (its glue exports conformanceRun)')
if (has(path.join(dir, 'wasm/doku_checkout_wasm_bg.wasm'), '.debug_info')) devBuild.push('wasm/doku_checkout_wasm_bg.wasm is a debug build (it has DWARF debug sections)')

const fix = [
  'To pack a release package from a checkout, at the repository root:',
  '  (cd node && npm ci && npm run build -- --release)   # the addon: release profile, no test features',
  '  DIST_PARTS=wasm tools/dist/build.sh && rm -rf node/wasm && cp -r build/dist-wasm node/wasm   # the release WebAssembly',
  '  (cd node && npm pack)',
  "(make dist builds every platform's packages; to try a test build elsewhere, DOKU_CHECKOUT_PACK_DEV_BUILD=1 npm pack)",
].join('\n')
if (problems.length > 0) {
  console.error(`doku-checkout: refusing to pack ${dir}:\n- ${[...problems, ...devBuild].join('\n- ')}\n${fix}`)
  process.exit(1)
}
if (devBuild.length > 0 && !allowDev) {
  console.error(`doku-checkout: refusing to pack a development build:\n- ${devBuild.join('\n- ')}\n${fix}`)
  process.exit(1)
}
if (devBuild.length > 0) console.error(`doku-checkout: packing a development build (DOKU_CHECKOUT_PACK_DEV_BUILD=1):\n- ${devBuild.join('\n- ')}`)
