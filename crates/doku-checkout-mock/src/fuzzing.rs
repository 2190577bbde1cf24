//! The emulator's request handling without a socket, for the fuzz targets (feature `fuzzing`).

use std::net::SocketAddr;

use doku_checkout::ReceivedHeaders;

use crate::state::{Order, OrderState, State};
use crate::{Inner, api};

/// An emulator with a few orders, driven one request at a time.
pub struct Emulator {
    inner: Inner,
}

impl Default for Emulator {
    fn default() -> Self {
        Self::new()
    }
}

impl Emulator {
    /// Client-Id `MCH-FUZZ`, secret `SK-FUZZ-0123`, orders `INV-1` (pending) and `INV-2` (paid).
    pub fn new() -> Self {
        let mut state = State::new(64);
        // Due in 2096: never expires while fuzzed, and within the emulator's time range.
        let order = |invoice: &str, state| Order {
            state,
            expires_at: 4_000_000_000,
            ..Order::new(invoice, format!("create-{invoice}"))
        };
        state.add_orders(vec![order("INV-1", OrderState::Pending), order("INV-2", OrderState::Paid)]);
        let config = crate::MockConfig::new("MCH-FUZZ", "SK-FUZZ-0123").unwrap_or_else(|_| unreachable!("a valid key"));
        let inner = Inner::new(
            crate::MockConfig { log_size: 16, replay_store_size: 64, ..config },
            SocketAddr::from(([127, 0, 0, 1], 0)),
        );
        *inner.state() = state;
        Self { inner }
    }

    /// Handles one `/_mock/` control call that changes what the emulator holds (`setup`,
    /// `orders`, `faults`); returns the status it would answer (200, or 400/413 past a bound).
    pub fn control(&self, path: &str, body: &[u8]) -> u16 {
        let setup = match path {
            "/_mock/setup" => serde_json::from_slice::<crate::state::Setup>(body).ok(),
            "/_mock/orders" => serde_json::from_slice::<Order>(body)
                .ok()
                .map(|o| crate::state::Setup { orders: vec![o], ..Default::default() }),
            "/_mock/faults" => serde_json::from_slice::<crate::state::Fault>(body)
                .ok()
                .map(|f| crate::state::Setup { faults: vec![f], ..Default::default() }),
            _ => return 404,
        };
        match setup.map(|s| self.inner.apply(s)) {
            None => 400,
            Some(Ok(())) => 200,
            Some(Err(refusal)) => refusal.status,
        }
    }

    /// What it holds: (orders, queued faults, every queued fault within its bounds).
    pub fn holds(&self) -> (usize, usize, bool) {
        let orders = self.inner.state().orders.len();
        let traffic = self.inner.traffic();
        let faults_ok = traffic.faults.iter().all(|f| crate::limits::check_fault(f).is_ok());
        (orders, traffic.faults.len(), faults_ok)
    }

    /// Handles one request; returns the status it would answer. The body is routed and
    /// applied to the orders even when the signature does not verify, so the fuzzer reaches
    /// the JSON handling behind it.
    pub fn handle(&self, method: &str, path: &str, headers: &[(String, String)], body: &[u8]) -> u16 {
        let received = ReceivedHeaders::new(headers.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let request_id = received.get("Request-Id").unwrap_or("fuzz").to_owned();
        let authenticated = api::authenticate(&self.inner, method, path, &received, body);
        let call = api::parse(&self.inner, method, path, &request_id, body);
        let decision = api::decide(&mut self.inner.state(), call, self.inner.clock.unix());
        let _ = decision.outcome.render();
        match authenticated {
            Err(refusal) => refusal.status(),
            Ok(()) => decision.status(),
        }
    }
}
