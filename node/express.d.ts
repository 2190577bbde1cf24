// doku-checkout/express: Express/Connect middleware for DOKU HTTP Notifications. The request
// and response are typed structurally, so neither @types/express nor @types/node is needed.
import type { DokuNotification } from './index'

export interface DokuNotificationOptions {
  /** Your DOKU Secret Key, or a function of the notification's Client-Id (one per merchant account). */
  secretKey: string | ((clientId: string) => string | null | undefined | Promise<string | null | undefined>)
  /** The path DOKU calls, when a proxy rewrites it; default: the path of req.originalUrl. */
  notificationPath?: string
  /** The replay window in seconds, either direction; default 86400. */
  tolerance?: number
  /**
   * Durable de-duplication: a PgStore (doku-checkout/pg), or anything with its
   * beginNotification(). Each notification's handler then runs once across instances, inside
   * the receipt's transaction (`req.dokuTransaction`), committed when it answers 2xx.
   */
  store?: { beginNotification(input: { requestId: string; clientId?: string; notification: unknown }): Promise<{ db: unknown; commit(): Promise<void>; rollback(): Promise<void> } | null> }
}

/**
 * A request after the middleware: the verified body is `dokuNotification`; its `requestId` (not
 * enumerable, so the body reads as DOKU sent it) is the Request-Id that was verified: de-duplicate
 * on it, not on a header.
 */
export interface DokuNotificationRequest {
  dokuNotification: DokuNotification & { readonly requestId: string }
  /**
   * With `store`: the database client in the receipt's open transaction; run the handler's
   * effects on it so they commit (or roll back) with the receipt.
   */
  dokuTransaction?: import('./pg').PgQueryable
}

export function dokuNotification(
  options: DokuNotificationOptions,
): (req: any, res: any, next: (error?: unknown) => void) => void
