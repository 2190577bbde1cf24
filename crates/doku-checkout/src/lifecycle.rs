//! One order lifecycle for merchants, sans-IO: the state an order is in, read from a Check
//! Status answer or a notification, and the rule that moves a stored state forward and never
//! back. Pollers and notification handlers written against it agree with each other whatever
//! order DOKU's answers arrive in.
//!
//! Sources: DOKU's status table (`doku-api.md` §3): `PENDING` waiting, `SUCCESS` paid,
//! `FAILED` not final (the customer may pay again), `EXPIRED`, `REFUNDED`, `TIMEOUT` (e-money:
//! not final, like `FAILED`), `REDIRECT` (card: waiting for the acquirer); the checkout-level
//! `order.status` `ORDER_GENERATED`, `ORDER_EXPIRED`, `ORDER_RECOVERED`; and `CANCELLED`, which
//! the Cancel Order page shows. Any other value is kept as it came, never guessed.

/// Where a merchant's order is.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OrderLifecycle {
    /// Waiting for payment (`PENDING`, `REDIRECT`; `ORDER_GENERATED`, `ORDER_RECOVERED`).
    Pending,
    /// Paid (`SUCCESS`).
    Paid,
    /// A payment attempt failed (`FAILED`, `TIMEOUT`); the customer may still pay.
    Failed,
    /// Past its due date unpaid (`EXPIRED`, `ORDER_EXPIRED`).
    Expired,
    /// Cancelled (`CANCELLED`).
    Cancelled,
    /// Paid, then refunded (`REFUNDED`).
    Refunded,
    /// A value DOKU sent that this version does not know, kept as it came.
    Unknown(String),
}

impl OrderLifecycle {
    /// The state a status answer or a notification describes: `transaction.status` first,
    /// then the checkout's `order.status`; `None` when neither says anything.
    pub fn from_statuses(transaction_status: Option<&str>, order_status: Option<&str>) -> Option<Self> {
        let transaction = transaction_status.map(str::trim).filter(|s| !s.is_empty());
        let order = order_status.map(str::trim).filter(|s| !s.is_empty());
        let from_transaction = transaction.map(|t| match t.to_ascii_uppercase().as_str() {
            "PENDING" | "REDIRECT" => Self::Pending,
            "SUCCESS" => Self::Paid,
            "FAILED" | "TIMEOUT" => Self::Failed,
            "EXPIRED" => Self::Expired,
            "CANCELLED" => Self::Cancelled,
            "REFUNDED" => Self::Refunded,
            _ => Self::Unknown(t.to_owned()),
        });
        let from_order = order.map(|o| match o.to_ascii_uppercase().as_str() {
            "ORDER_GENERATED" | "ORDER_RECOVERED" => Self::Pending,
            "ORDER_EXPIRED" => Self::Expired,
            _ => Self::Unknown(o.to_owned()),
        });
        match (from_transaction, from_order) {
            // The checkout expired while its transaction still read as waiting.
            (Some(Self::Pending), Some(Self::Expired)) => Some(Self::Expired),
            (Some(t), _) => Some(t),
            (None, o) => o,
        }
    }

    /// A stored state by its name ([`OrderLifecycle::as_str`]); any other name is kept as
    /// [`OrderLifecycle::Unknown`].
    pub fn from_name(name: &str) -> Self {
        match name {
            "PENDING" => Self::Pending,
            "PAID" => Self::Paid,
            "FAILED" => Self::Failed,
            "EXPIRED" => Self::Expired,
            "CANCELLED" => Self::Cancelled,
            "REFUNDED" => Self::Refunded,
            other => Self::Unknown(other.to_owned()),
        }
    }

    /// `PENDING`, `PAID`, `FAILED`, `EXPIRED`, `CANCELLED`, `REFUNDED`, or the unknown value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Pending => "PENDING",
            Self::Paid => "PAID",
            Self::Failed => "FAILED",
            Self::Expired => "EXPIRED",
            Self::Cancelled => "CANCELLED",
            Self::Refunded => "REFUNDED",
            Self::Unknown(value) => value,
        }
    }

    /// Whether nothing DOKU sends later can move the order on, except a refund after payment.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Paid | Self::Expired | Self::Cancelled | Self::Refunded)
    }

    fn is_open(&self) -> bool {
        matches!(self, Self::Pending | Self::Failed)
    }
}

/// What to do with a stored state when DOKU says something new about the order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    /// Store the new state.
    Apply(OrderLifecycle),
    /// Keep the stored state: the news is the same, or late (a `PENDING` after `PAID`).
    Unchanged,
    /// Keep the stored state and tell someone: two final states disagree (`PAID` after
    /// `CANCELLED`), which money may depend on.
    Anomaly {
        /// The stored state.
        stored: OrderLifecycle,
        /// What DOKU said now.
        observed: OrderLifecycle,
    },
    /// Keep the stored state: DOKU sent a value this version does not know (kept for the
    /// record, never guessed at).
    Unrecognised(String),
}

impl Transition {
    /// `apply`, `unchanged`, `anomaly` or `unrecognised`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Apply(_) => "apply",
            Self::Unchanged => "unchanged",
            Self::Anomaly { .. } => "anomaly",
            Self::Unrecognised(_) => "unrecognised",
        }
    }
}

/// The rule: an order moves forward only. From open (`PENDING`, `FAILED`) to anything; a
/// failed payment may be retried (`FAILED` → `PENDING`); from `PAID` only to `REFUNDED`; a late
/// open state after a final one changes nothing; two final states that disagree are an
/// anomaly; a stored unknown value gives way to any known one.
pub fn transition(stored: Option<&OrderLifecycle>, observed: &OrderLifecycle) -> Transition {
    use OrderLifecycle::{Paid, Refunded, Unknown};
    if let Unknown(value) = observed {
        return Transition::Unrecognised(value.clone());
    }
    let Some(stored) = stored else { return Transition::Apply(observed.clone()) };
    if stored == observed {
        return Transition::Unchanged;
    }
    match (stored, observed) {
        (Unknown(_), _) => Transition::Apply(observed.clone()),
        (s, _) if s.is_open() => Transition::Apply(observed.clone()),
        (_, o) if o.is_open() => Transition::Unchanged,
        (Paid, Refunded) => Transition::Apply(Refunded),
        (Refunded, Paid) => Transition::Unchanged,
        _ => Transition::Anomaly { stored: stored.clone(), observed: observed.clone() },
    }
}

/// The longest status or state name the public functions take (DOKU's are under 20).
pub const MAX_STATUS_LEN: usize = 64;

fn checked<'a>(field: &'static str, value: Option<&'a str>) -> Result<Option<&'a str>, crate::Error> {
    match value {
        Some(v) if v.len() > MAX_STATUS_LEN || v.chars().any(char::is_control) => Err(crate::Error::invalid_input(
            field,
            format!("{field} is at most {MAX_STATUS_LEN} characters of text, as DOKU's statuses are"),
        )),
        other => Ok(other),
    }
}

/// [`OrderLifecycle::from_statuses`] for the bindings' `order_lifecycle`: the state's name, or
/// `None`; over-long or control-character input is `invalid_input`.
pub fn order_lifecycle(
    transaction_status: Option<&str>,
    order_status: Option<&str>,
) -> Result<Option<String>, crate::Error> {
    let t = checked("transaction_status", transaction_status)?;
    let o = checked("order_status", order_status)?;
    Ok(OrderLifecycle::from_statuses(t, o).map(|s| s.as_str().to_owned()))
}

/// [`transition`] for the bindings' `lifecycle_transition`: `stored` is a state name (or
/// `None`), the news is DOKU's statuses; answers the outcome (`apply`, `unchanged`, `anomaly`,
/// `unrecognised`) and, when applied, the new state's name.
pub fn lifecycle_transition(
    stored: Option<&str>,
    transaction_status: Option<&str>,
    order_status: Option<&str>,
) -> Result<(&'static str, Option<String>), crate::Error> {
    let stored = checked("stored", stored)?.map(OrderLifecycle::from_name);
    let t = checked("transaction_status", transaction_status)?;
    let o = checked("order_status", order_status)?;
    let observed = OrderLifecycle::from_statuses(t, o).ok_or_else(|| {
        crate::Error::invalid_input("transaction_status", "give DOKU's transaction_status or order_status")
    })?;
    let outcome = transition(stored.as_ref(), &observed);
    let state = if let Transition::Apply(s) = &outcome { Some(s.as_str().to_owned()) } else { None };
    Ok((outcome.as_str(), state))
}

#[cfg(test)]
mod tests {
    use super::OrderLifecycle::*;
    use super::*;

    #[test]
    fn status_names_up_to_the_bound_are_taken_and_longer_ones_refused() {
        let at_bound = "P".repeat(MAX_STATUS_LEN);
        assert_eq!(order_lifecycle(Some(&at_bound), None).expect("at the bound"), Some(at_bound.clone()));
        let over = format!("{at_bound}P");
        assert_eq!(order_lifecycle(Some(&over), None).expect_err("over").field(), Some("transaction_status"));
        assert!(lifecycle_transition(Some(&over), Some("PENDING"), None).is_err());
    }

    #[test]
    fn reads_every_documented_status() {
        let read = |t: Option<&str>, o: Option<&str>| OrderLifecycle::from_statuses(t, o);
        assert_eq!(read(Some("SUCCESS"), Some("ORDER_GENERATED")), Some(Paid));
        assert_eq!(read(Some("PENDING"), Some("ORDER_EXPIRED")), Some(Expired));
        assert_eq!(read(None, Some("ORDER_RECOVERED")), Some(Pending));
        assert_eq!(read(Some("TIMEOUT"), None), Some(Failed));
        assert_eq!(read(Some("VOIDED"), None), Some(Unknown("VOIDED".into())));
        assert_eq!(read(Some(" "), None), None);
    }

    #[test]
    fn never_moves_back_and_reports_disagreeing_finals() {
        assert_eq!(transition(Some(&Paid), &Pending), Transition::Unchanged);
        assert_eq!(transition(Some(&Failed), &Pending), Transition::Apply(Pending));
        assert_eq!(transition(Some(&Paid), &Refunded), Transition::Apply(Refunded));
        assert_eq!(transition(Some(&Refunded), &Paid), Transition::Unchanged);
        assert_eq!(transition(Some(&Cancelled), &Paid), Transition::Anomaly { stored: Cancelled, observed: Paid });
        assert_eq!(transition(None, &Expired), Transition::Apply(Expired));
        assert_eq!(transition(Some(&Pending), &Unknown("X".into())), Transition::Unrecognised("X".into()));
        assert_eq!(transition(Some(&Unknown("X".into())), &Paid), Transition::Apply(Paid));
    }

    #[test]
    fn the_binding_functions_check_their_input() {
        assert_eq!(order_lifecycle(Some("SUCCESS"), None).ok(), Some(Some("PAID".to_owned())));
        assert_eq!(lifecycle_transition(Some("CANCELLED"), Some("SUCCESS"), None).ok(), Some(("anomaly", None)));
        assert_eq!(
            lifecycle_transition(None, None, Some("ORDER_EXPIRED")).ok(),
            Some(("apply", Some("EXPIRED".into())))
        );
        for bad in [order_lifecycle(Some(&"S".repeat(65)), None), order_lifecycle(None, Some("A\u{0}"))] {
            assert_eq!(bad.expect_err("refused").code(), crate::ErrorCode::InvalidInput);
        }
        assert!(lifecycle_transition(Some("PAID"), None, None).is_err(), "no news");
    }
}
