//! What an observation does to a stored order: the core's lifecycle rule, once for every backend.

use doku_checkout::lifecycle::{OrderLifecycle, Transition, transition};

use crate::model::{KnownOrder, Observation, Observed};

/// The order after `observation` at `now_ms`, given what was stored.
pub(crate) fn decide(stored: Option<&KnownOrder>, observation: &Observation, now_ms: i64) -> Observed {
    let observed =
        OrderLifecycle::from_statuses(observation.transaction_status.as_deref(), observation.order_status.as_deref())
            .unwrap_or_else(|| OrderLifecycle::Unknown(String::new()));
    let current = stored.map(|s| OrderLifecycle::from_name(&s.state));
    let rule = transition(current.as_ref(), &observed);
    let original_request_id =
        stored.and_then(|s| s.original_request_id.clone()).or_else(|| observation.original_request_id.clone());
    let with = |state: String, statuses_from_now: bool, changed: bool| {
        let (transaction_status, order_status) = match (statuses_from_now, stored) {
            (false, Some(s)) => (s.transaction_status.clone(), s.order_status.clone()),
            _ => (observation.transaction_status.clone(), observation.order_status.clone()),
        };
        KnownOrder {
            state,
            transaction_status,
            order_status,
            original_request_id: original_request_id.clone(),
            checked_at_ms: now_ms,
            changed_at_ms: if changed { now_ms } else { stored.map_or(now_ms, |s| s.changed_at_ms) },
        }
    };
    let (order, changed, anomaly) = match (&rule, stored) {
        (Transition::Apply(state), _) => (with(state.as_str().to_owned(), true, true), true, None),
        // Nothing stored yet: the value is kept as DOKU sent it, never guessed at.
        (Transition::Unrecognised(value), None) => (with(value.clone(), true, true), true, None),
        (Transition::Anomaly { stored: was, observed: now }, Some(s)) => {
            (with(s.state.clone(), false, false), false, Some(format!("{}->{}", was.as_str(), now.as_str())))
        }
        (_, Some(s)) => (with(s.state.clone(), false, false), false, None),
        (_, None) => (with(observed.as_str().to_owned(), true, true), true, None),
    };
    Observed { order, changed, transition: rule.as_str(), anomaly }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(transaction: &str) -> Observation {
        Observation {
            transaction_status: Some(transaction.into()),
            order_status: None,
            original_request_id: Some("checkout-rid".into()),
        }
    }

    #[test]
    fn moves_forward_keeps_late_news_and_flags_disagreeing_finals() {
        let first = decide(None, &seen("PENDING"), 1);
        assert_eq!((first.order.state.as_str(), first.changed, first.transition), ("PENDING", true, "apply"));
        let paid = decide(Some(&first.order), &seen("SUCCESS"), 2);
        assert_eq!((paid.order.state.as_str(), paid.changed, paid.order.changed_at_ms), ("PAID", true, 2));
        let late = decide(Some(&paid.order), &seen("PENDING"), 3);
        assert_eq!((late.order.state.as_str(), late.changed, late.transition), ("PAID", false, "unchanged"));
        assert_eq!(late.order.transaction_status.as_deref(), Some("SUCCESS"), "late news is not stored");
        assert_eq!((late.order.checked_at_ms, late.order.changed_at_ms), (3, 2));
        let cancelled = decide(None, &seen("CANCELLED"), 4);
        let odd = decide(Some(&cancelled.order), &seen("SUCCESS"), 5);
        assert_eq!((odd.order.state.as_str(), odd.changed), ("CANCELLED", false));
        assert_eq!(odd.anomaly.as_deref(), Some("CANCELLED->PAID"));
    }

    #[test]
    fn an_unknown_value_is_kept_as_sent_and_gives_way_to_a_known_one() {
        let odd = decide(None, &seen("ON_HOLD"), 1);
        assert_eq!((odd.order.state.as_str(), odd.transition), ("ON_HOLD", "unrecognised"));
        let known = decide(Some(&odd.order), &seen("EXPIRED"), 2);
        assert_eq!((known.order.state.as_str(), known.changed), ("EXPIRED", true));
        let again = decide(Some(&known.order), &seen("ON_HOLD"), 3);
        assert_eq!((again.order.state.as_str(), again.changed, again.transition), ("EXPIRED", false, "unrecognised"));
        assert_eq!(again.order.original_request_id.as_deref(), Some("checkout-rid"));
    }
}
