// The emulator's checkout page and dashboard in a real browser (Debian's chromium, driven by
// playwright-core): a checkout created through the public client is paid, failed or left to
// expire as a customer and a developer would, and the shop's endpoint receives DOKU's signed
// notification. Run by `make browser-test` (part of `make test`), which installs chromium.
// DOKU_SCREENSHOTS_DIR=dir also saves the page and the dashboard as PNG files.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import path from 'node:path'
import { chromium } from 'playwright-core'
import * as dc from 'doku-checkout'
import { MockServer } from 'doku-checkout/testing'

const SECRET = 'SK-BROWSER-0123456789'
const CLIENT_ID = 'MCH-BROWSER-0001'
const shots = process.env.DOKU_SCREENSHOTS_DIR
let browser, doku, shop, client

/** The merchant's shop: its notification endpoint and the page the customer returns to. */
async function startShop() {
  const received = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/payments/notifications') {
        const headers = {}
        for (let i = 0; i < req.rawHeaders.length; i += 2) headers[req.rawHeaders[i]] = req.rawHeaders[i + 1]
        received.push({ headers, body: Buffer.concat(chunks) })
        res.end()
        return
      }
      res.setHeader('content-type', 'text/html')
      res.end('<!doctype html><title>Thanks</title><h1>Thank you for your order</h1>')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}`
  return { received, url, close: () => new Promise((r) => server.close(r)) }
}

/** The notification the shop received for an invoice, verified as the shop would. */
async function notificationFor(invoice, status) {
  const deadline = Date.now() + 10_000
  for (;;) {
    for (const n of shop.received) {
      const body = dc.verifyNotification({ secretKey: SECRET, headers: n.headers, body: n.body, notificationPath: '/payments/notifications' })
      if (body.order.invoice_number === invoice && body.transaction.status === status) return { body, headers: n.headers }
    }
    if (Date.now() > deadline) assert.fail(`no ${status} notification for ${invoice}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

before(async () => {
  shop = await startShop()
  doku = await MockServer.start({ clientId: CLIENT_ID, secretKey: SECRET, notificationUrl: `${shop.url}/payments/notifications` })
  client = new dc.Client({ clientId: CLIENT_ID, secretKey: SECRET, baseUrl: doku.url })
  // Running as root (CI) needs --no-sandbox; nothing but loopback pages is opened.
  const args = ['--disable-dev-shm-usage'] // Docker's /dev/shm is 64 MB
  if (process.getuid?.() === 0) args.push('--no-sandbox') // Chromium's sandbox refuses root
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args })
})

after(async () => {
  await browser?.close()
  await doku?.close()
  await shop?.close()
})

test('create, open payment_url, pick VIRTUAL_ACCOUNT_BCA, Pay: the shop gets a signed SUCCESS and the dashboard says PAID', async () => {
  const checkout = await client.createCheckout({
    invoiceNumber: 'INV-BROWSER-1',
    amount: 150000,
    paymentMethodTypes: ['VIRTUAL_ACCOUNT_BCA', 'QRIS', 'ONLINE_TO_OFFLINE_ALFA'],
    lineItems: [{ name: 'Kaos batik', price: 75000, quantity: 2 }],
    callbackUrl: `${shop.url}/thanks`,
  })
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } })
  await page.goto(checkout.paymentUrl)
  await page.getByRole('heading', { name: 'Pay Rp 150.000' }).waitFor()
  await page.getByRole('cell', { name: 'Kaos batik' }).waitFor()
  if (shots) await page.screenshot({ path: path.join(shots, 'checkout-page.png'), fullPage: true })
  await page.getByLabel('VIRTUAL_ACCOUNT_BCA').check()
  await page.getByRole('button', { name: 'Pay', exact: true }).click()
  await page.waitForURL(`${shop.url}/thanks`)
  const { body, headers } = await notificationFor('INV-BROWSER-1', 'SUCCESS')
  assert.equal(body.channel.id, 'VIRTUAL_ACCOUNT_BCA')
  assert.equal(body.service.id, 'VIRTUAL_ACCOUNT')
  assert.equal(body.transaction.original_request_id, checkout.requestId)
  assert.ok(body.virtual_account_info.virtual_account_number)
  assert.deepEqual(Object.keys(headers).filter((h) => /^(Client-Id|Request-Id|Request-Timestamp|Signature)$/.test(h)).sort(), ['Client-Id', 'Request-Id', 'Request-Timestamp', 'Signature'])

  await page.goto(checkout.paymentUrl)
  await page.getByText('Paid with VIRTUAL_ACCOUNT_BCA').waitFor()
  await page.getByText(`Virtual account number: ${body.virtual_account_info.virtual_account_number}`).waitFor()
  assert.equal(await page.getByRole('button', { name: 'Pay', exact: true }).count(), 0)

  // The emulator records the shop's answer once it has read it: wait for that, then look.
  await doku.notifications({ wait: true })
  const dashboard = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  await dashboard.goto(`${doku.url}/_mock/ui`)
  assert.equal(await dashboard.locator('td[data-invoice="INV-BROWSER-1"]').textContent(), 'PAID')
  await dashboard.getByRole('cell', { name: '+0 s: 200' }).first().waitFor()
  if (shots) await dashboard.screenshot({ path: path.join(shots, 'dashboard.png'), fullPage: true })
  await page.close()
  await dashboard.close()
})

test('Fail payment on QRIS: the shop gets a signed FAILED for QRIS, the order stays payable', async () => {
  const checkout = await client.createCheckout({ invoiceNumber: 'INV-BROWSER-2', amount: 20000, paymentMethodTypes: ['VIRTUAL_ACCOUNT_BCA', 'QRIS'] })
  const page = await browser.newPage()
  await page.goto(checkout.paymentUrl)
  await page.getByLabel('QRIS').check()
  await page.getByRole('button', { name: 'Fail payment' }).click()
  await page.getByText('The last payment failed').waitFor()
  const { body } = await notificationFor('INV-BROWSER-2', 'FAILED')
  assert.equal(body.channel.id, 'QRIS')
  assert.equal((await client.orderStatus('INV-BROWSER-2')).status, 'FAILED')
  // Keyboard only: the methods are radio buttons with labels, Pay is a real button.
  await page.getByLabel('VIRTUAL_ACCOUNT_BCA').focus()
  await page.keyboard.press('Space')
  await page.getByRole('button', { name: 'Pay', exact: true }).focus()
  await page.keyboard.press('Enter')
  await page.getByText('Paid with VIRTUAL_ACCOUNT_BCA').waitFor()
  await notificationFor('INV-BROWSER-2', 'SUCCESS')
  await page.close()
})

test('advancing the clock on the dashboard expires a pending order, and its page says it can no longer be paid', async () => {
  const checkout = await client.createCheckout({ invoiceNumber: 'INV-BROWSER-3', amount: 5000, paymentDueMinutes: 30 })
  // Another site cannot drive the controls from the same browser.
  const crossSite = await fetch(`${doku.url}/_mock/reset`, { method: 'POST', headers: { origin: 'https://evil.example' } })
  assert.equal(crossSite.status, 403)
  const dashboard = await browser.newPage()
  await dashboard.goto(`${doku.url}/_mock/ui`)
  assert.equal(await dashboard.locator('td[data-invoice="INV-BROWSER-3"]').textContent(), 'PENDING')
  await dashboard.getByLabel('Advance by (seconds)').fill('1801')
  await Promise.all([dashboard.waitForEvent('load'), dashboard.getByRole('button', { name: 'Advance clock' }).click()])
  assert.equal(await dashboard.locator('td[data-invoice="INV-BROWSER-3"]').textContent(), 'EXPIRED')
  // The keyboard focus is back on the clock's field, and the status line says what was done.
  assert.equal(await dashboard.evaluate(() => document.activeElement?.id), 'advance')
  await dashboard.getByRole('status').filter({ hasText: 'Done: clock' }).waitFor()
  const status = await client.orderStatus('INV-BROWSER-3')
  assert.equal(status.status, 'EXPIRED')
  assert.equal(status.orderStatus, 'ORDER_EXPIRED')
  const page = await browser.newPage()
  await page.goto(checkout.paymentUrl)
  await page.getByRole('heading', { name: 'This checkout expired' }).waitFor()
  await page.getByText('It can no longer be paid.').waitFor()
  assert.equal(await page.getByRole('button', { name: 'Pay', exact: true }).count(), 0)
  await page.close()
  await dashboard.close()
})
