// `npm pack` / `npm publish` from a checkout run this first (package.json "prepack"): it refuses to
// pack a package that would not work or is not a release build, instead of shipping one that
// fails at import time.
// - Every entry of "files" must exist (a pattern must match a file): the WebAssembly build in
//   wasm/ (the edge export and the fallback) and the addon's loader and declarations above all.
// - The addon (native/*.node, read as ELF: Linux) and the .wasm must be release builds: no DWARF
//   debug sections (by section name; macOS and Windows addons are not inspected), and
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

/** Section names of an ELF64 little-endian file (a Linux addon); [] for anything else. The text
 * `.debug_info` alone proves nothing: Rust's std carries it as a string even when stripped. */
function elfSections(bytes) {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46 || bytes[4] !== 2 || bytes[5] !== 1) return []
  const shoff = Number(bytes.readBigUInt64LE(0x28))
  const [size, count, names] = [bytes.readUInt16LE(0x3a), bytes.readUInt16LE(0x3c), bytes.readUInt16LE(0x3e)]
  const header = (i) => shoff + i * size
  if (shoff <= 0 || header(count) > bytes.length || names >= count) return []
  const strtab = Number(bytes.readBigUInt64LE(header(names) + 0x18))
  const out = []
  for (let i = 0; i < count; i += 1) {
    const start = strtab + bytes.readUInt32LE(header(i))
    const end = bytes.indexOf(0, start)
    if (start < bytes.length && end > start) out.push(bytes.toString('latin1', start, end))
  }
  return out
}

/** Custom section names of a WebAssembly module. */
function wasmSections(bytes) {
  const out = []
  const leb = (at) => {
    let value = 0
    let shift = 0
    for (;;) {
      const b = bytes[at.i++]
      if (b === undefined) return -1
      value += (b & 0x7f) * 2 ** shift
      shift += 7
      if (b < 0x80) return value
    }
  }
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0x0061736d) return out
  const at = { i: 8 }
  while (at.i < bytes.length) {
    const id = bytes[at.i++]
    const size = leb(at)
    if (size < 0) break
    const next = at.i + size
    if (id === 0) {
      const length = leb(at)
      if (length >= 0) out.push(bytes.toString('utf8', at.i, at.i + length))
    }
    at.i = next
  }
  return out
}

const sections = (file, parse) => (fs.existsSync(file) ? parse(fs.readFileSync(file)) : [])
for (const addon of matches('native/*.node')) {
  if (sections(path.join(dir, addon), elfSections).includes('.debug_info')) devBuild.push(`${addon} is a debug build (it has DWARF debug sections)`)
}
if (has(path.join(dir, 'native/index.d.ts'), 'conformance')) devBuild.push('native/index.d.ts declares the test-only conformance entry point: the addon is a test build')
if (has(path.join(dir, 'wasm/doku_checkout_wasm.mjs'), 'conformanceRun')) devBuild.push('wasm/ is a test build (its glue exports conformanceRun)')
if (sections(path.join(dir, 'wasm/doku_checkout_wasm_bg.wasm'), wasmSections).includes('.debug_info')) devBuild.push('wasm/doku_checkout_wasm_bg.wasm is a debug build (it has DWARF debug sections)')

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
