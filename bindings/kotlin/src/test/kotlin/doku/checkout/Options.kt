package doku.checkout

import com.google.gson.JsonObject
import doku.checkout.core.CheckoutLineItem
import doku.checkout.core.ClientOptions
import doku.checkout.core.CreateCheckoutRequest

/** Shared-file settings (snake_case JSON) as the core's typed ClientOptions. */
fun optionsFrom(o: JsonObject): ClientOptions {
    fun s(k: String) = o[k]?.takeUnless { it.isJsonNull }?.asString
    fun u(k: String) = o[k]?.takeUnless { it.isJsonNull }?.asLong?.toUInt()
    return ClientOptions(
        environment = s("environment"), baseUrl = s("base_url"), timeoutMs = u("timeout_ms"),
        connectTimeoutMs = u("connect_timeout_ms"), maxRetries = u("max_retries"), initialBackoffMs = u("initial_backoff_ms"),
        maxBackoffMs = u("max_backoff_ms"), deadlineMs = u("deadline_ms"), maxResponseBytes = u("max_response_bytes"),
        proxy = s("proxy"), verifyResponseSignatures = o["verify_response_signatures"]?.asBoolean,
    )
}

/** Shared-file create-checkout arguments as the core's CreateCheckoutRequest. */
fun checkoutFrom(a: JsonObject) = CreateCheckoutRequest(
    invoiceNumber = a["invoice_number"].asString,
    amount = a["amount"].asLong.toULong(),
    paymentDueMinutes = a["payment_due_minutes"]?.asInt?.toUInt(),
    paymentMethodTypes = a["payment_method_types"]?.asJsonArray?.map { it.asString } ?: emptyList(),
    lineItems = a["line_items"]?.asJsonArray?.map {
        val i = it.asJsonObject
        CheckoutLineItem(i["name"].asString, i["price"].asLong.toULong(), i["quantity"].asInt.toUInt())
    } ?: emptyList(),
)
