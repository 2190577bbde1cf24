// Runs the emulator in its own process for the benchmark; prints its URL, exits on stdin close.
import { MockServer } from '../testing.js'

const n = Number(process.argv[2] ?? 5000)
const doku = await MockServer.start({ clientId: 'MCH-BENCH-0001', secretKey: 'SK-BENCH-0123456789' })
for (const prefix of ['OS', 'OP', 'PS', 'PP']) {
  doku.setup({ orders: Array.from({ length: n }, (_, i) => ({ invoice_number: `${prefix}-${i}`, original_request_id: `orig-${prefix}-${i}` })) })
}
process.stdout.write(`${doku.url}\n`)
process.stdin.resume()
process.stdin.on('end', async () => {
  await doku.close()
  process.exit(0)
})
