//! One exported error enum, a case per stable code generated from the core's own list
//! (`doku_checkout::for_each_error_code!`). Every case carries the same `details` record
//! (`code`, `message`, `httpStatus`, `requestId`, `retryable`, `messages`, `rawBody`,
//! `reason`, `field`), readable from any case with `details()`; `toString()` is the Rust
//! `Display`. Kotlin sees `DokuException.OrderNotCancellable`, Swift `DokuError.OrderNotCancellable`.

use doku_checkout::{ErrorCode, ErrorDetails};

macro_rules! doku_error {
    ($($variant:ident),+) => {
        /// A doku-checkout failure; `details()` says what went wrong and what to do.
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
        #[uniffi::export(Debug, Display)]
        pub enum DokuError {
            $(
                /// One stable code; `details.code` is its string.
                #[error("{details}")]
                $variant {
                    /// Every field of the error.
                    details: ErrorDetails,
                },
            )+
        }

        impl From<doku_checkout::Error> for DokuError {
            fn from(e: doku_checkout::Error) -> Self {
                let details = e.details();
                match e.code() {
                    $(ErrorCode::$variant => Self::$variant { details },)+
                    // ErrorCode is non-exhaustive; a code added without a case here still
                    // reaches the caller with its own `details.code`.
                    _ => Self::InvalidResponse { details },
                }
            }
        }

        #[uniffi::export]
        impl DokuError {
            /// Every field of the error, whichever case it is.
            pub fn details(&self) -> ErrorDetails {
                match self {
                    $(Self::$variant { details } => details.clone(),)+
                }
            }
        }
    };
}

doku_checkout::for_each_error_code!(doku_error);
