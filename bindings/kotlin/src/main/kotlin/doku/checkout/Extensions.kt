package doku.checkout

/** The stable error code (`order_not_cancellable`, `timeout`, ...), the same in every language. */
val DokuException.code: String
    get() = errorCode(this)
