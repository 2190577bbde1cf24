//! Which payment channels DOKU can cancel, from the Cancel Order page's table.
//!
//! Advisory only: the client never refuses to send a cancel because of it (DOKU's pages
//! disagree with each other on convenience stores, and BPD banks are not enumerated).

/// Whether DOKU documents cancel support for a payment method type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CancelSupport {
    /// Documented as cancellable.
    Supported,
    /// Documented as not cancellable.
    NotSupported,
    /// Not in DOKU's table (e.g. internet banking) or an unknown code.
    Unknown,
}

impl CancelSupport {
    /// `supported`, `not_supported` or `unknown`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Supported => "supported",
            Self::NotSupported => "not_supported",
            Self::Unknown => "unknown",
        }
    }
}

/// Virtual accounts of banks DOKU excludes from cancellation (BTN, BNC, BPD banks, OCBC).
const EXCLUDED_VIRTUAL_ACCOUNTS: [&str; 5] = ["BTN", "BNC", "BANK_OCBC", "OCBC", "BPD_"];

const NOT_SUPPORTED_PREFIXES: [&str; 5] =
    ["EMONEY_", "DIRECT_DEBIT_", "PEER_TO_PEER_", "CREDIT_CARD", "KARTU_KREDIT_INDONESIA"];

const DIGITAL_BANKING: [&str; 1] = ["JENIUS_PAY"];

/// Looks up a `payment_method_types` code such as `VIRTUAL_ACCOUNT_BCA`, `QRIS` or
/// `ONLINE_TO_OFFLINE_ALFA`. Case-insensitive.
pub fn cancel_support(payment_method_type: &str) -> CancelSupport {
    let code = payment_method_type.trim().to_ascii_uppercase();
    if let Some(bank) = code.strip_prefix("VIRTUAL_ACCOUNT_") {
        let excluded =
            EXCLUDED_VIRTUAL_ACCOUNTS.iter().any(|x| if x.ends_with('_') { bank.starts_with(x) } else { bank == *x });
        return if excluded { CancelSupport::NotSupported } else { CancelSupport::Supported };
    }
    if code == "QRIS" || code.starts_with("ONLINE_TO_OFFLINE_") {
        return CancelSupport::Supported;
    }
    if NOT_SUPPORTED_PREFIXES.iter().any(|p| code.starts_with(p)) || DIGITAL_BANKING.contains(&code.as_str()) {
        return CancelSupport::NotSupported;
    }
    CancelSupport::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use CancelSupport::*;

    #[test]
    fn table() {
        for (code, want) in [
            ("VIRTUAL_ACCOUNT_BCA", Supported),
            ("virtual_account_bank_mandiri", Supported),
            ("VIRTUAL_ACCOUNT_BTN", NotSupported),
            ("VIRTUAL_ACCOUNT_BNC", NotSupported),
            ("VIRTUAL_ACCOUNT_BPD_BALI", NotSupported),
            ("VIRTUAL_ACCOUNT_BANK_OCBC", NotSupported),
            ("QRIS", Supported),
            ("ONLINE_TO_OFFLINE_ALFA", Supported),
            ("CREDIT_CARD", NotSupported),
            ("EMONEY_OVO", NotSupported),
            ("DIRECT_DEBIT_BRI", NotSupported),
            ("PEER_TO_PEER_KREDIVO", NotSupported),
            ("KARTU_KREDIT_INDONESIA", NotSupported),
            ("JENIUS_PAY", NotSupported),
            ("PERMATA_NET", Unknown),
            ("", Unknown),
        ] {
            assert_eq!(cancel_support(code), want, "{code}");
        }
    }
}
