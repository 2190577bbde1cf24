package doku.checkout

import doku.checkout.core.CancelOrderResult
import doku.checkout.core.CreateCheckoutResult
import doku.checkout.core.OrderStatusResult

/** The stable error code (`order_not_cancellable`, `timeout`, ...), the same in every language. */
val DokuException.code: String
    get() = details().code

/** The names of 0.1; the core's names are the same in every language now. */
typealias CancelResult = CancelOrderResult
typealias CheckoutResult = CreateCheckoutResult
typealias StatusResult = OrderStatusResult
