// Compiled with `tsc --noEmit`: doku-checkout/edge as a Cloudflare Worker or Vercel Edge route uses it.
import { Client, verifyNotification, SignatureVerificationError, ready, type DokuNotification, type CancelOrderResult } from 'doku-checkout/edge'

interface Env {
  DOKU_CLIENT_ID: string
  DOKU_SECRET_KEY: string
}

export async function handle(request: Request, env: Env): Promise<Response> {
  await ready
  const url = new URL(request.url)
  if (url.pathname === '/doku/notifications') {
    try {
      const n: DokuNotification = verifyNotification({ secretKey: env.DOKU_SECRET_KEY, headers: request.headers, body: await request.arrayBuffer(), notificationPath: url.pathname })
      return new Response(String(n.transaction?.status))
    } catch (e) {
      if (e instanceof SignatureVerificationError) return new Response(e.reason ?? 'invalid', { status: 401 })
      throw e
    }
  }
  const doku = new Client({ clientId: env.DOKU_CLIENT_ID, secretKey: env.DOKU_SECRET_KEY, fetch: (u, init) => fetch(u, init) })
  const r: CancelOrderResult = await doku.cancelOrder({ invoiceNumber: 'INV-1', originalRequestId: 'req-1', note: 'Customer cancelled' })
  const b: CancelOrderResult = await doku.cancelByInvoice({ invoiceNumber: 'INV-2', note: 'Customer cancelled' })
  return Response.json({ status: r.orderStatus, requestId: r.requestId, byInvoice: b.requestId })
}
