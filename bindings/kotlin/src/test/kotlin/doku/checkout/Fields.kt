package doku.checkout

/** The common fields of every DokuException variant, for assertions. */
data class ErrorFields(
    val detail: String,
    val httpStatus: UShort?,
    val requestId: String?,
    val retryable: Boolean,
    val messages: List<String>,
    val reason: String?,
    val field: String?,
)

fun fieldsOf(e: DokuException): ErrorFields = when (e) {
    is DokuException.InvalidInput -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.AuthenticationFailed -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.OrderNotFound -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.OrderNotCancellable -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.InvalidRequest -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.DuplicateRequest -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.RateLimited -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.ServerException -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.NetworkException -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.Timeout -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.InvalidResponse -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.InvalidSignature -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
    is DokuException.ConfigException -> ErrorFields(e.detail, e.httpStatus, e.requestId, e.retryable, e.messages, e.reason, e.field)
}
