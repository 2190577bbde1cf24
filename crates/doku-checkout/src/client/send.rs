//! One logical call: what to send, when to retry and what the answer means are decided by the
//! sans-IO [`Exchange`]; the [`Transport`](super::transport) carries each attempt.

use bytes::Bytes;

use super::Client;
use super::transport::{Attempt, Stopped};
use crate::error::Error;
use crate::exchange::{Exchange, Next, Reply};
use crate::observe::{self, AttemptEnd, AttemptInfo};
use crate::operations::PreparedRequest;
use crate::request_id::RequestId;

impl Client {
    /// Sends `prepared`, retrying per the policy with the same `request_id` on every attempt,
    /// all within the client's deadline.
    pub(super) async fn send(&self, prepared: PreparedRequest, request_id: RequestId) -> Result<Reply, Error> {
        let mut exchange = Exchange::new(self.inner.config.clone(), prepared, request_id);
        let deadline = self.inner.config.deadline();
        match tokio::time::timeout(deadline, self.drive(&mut exchange)).await {
            Ok(result) => result,
            Err(_) => Err(exchange.deadline_error()),
        }
    }

    async fn drive(&self, exchange: &mut Exchange) -> Result<Reply, Error> {
        let config = &self.inner.config;
        let body = exchange.body().map(Bytes::copy_from_slice);
        let observer = observe::current();
        let (server_address, server_port) = observe::server_of(config.base_url());
        loop {
            let signed = exchange.start_attempt(config.clock().now())?;
            if let Some(o) = &observer {
                o.attempt_started(&AttemptInfo {
                    attempt: exchange.attempts(),
                    request_id: exchange.request_id().as_str(),
                    method: exchange.method().as_str(),
                    url_template: exchange.url_template(),
                    server_address,
                    server_port,
                });
            }
            let attempt =
                Attempt { method: exchange.method(), path: exchange.path(), signed: &signed, body: body.as_ref() };
            let sent = self.inner.transport.send(config, attempt).await;
            let end = match &sent {
                Ok(a) => AttemptEnd::Status(a.status),
                Err(Stopped::Transport(f)) => AttemptEnd::Failed(f.kind.as_str(), None),
                Err(Stopped::TooLarge { status, .. }) => AttemptEnd::Failed("response_too_large", Some(*status)),
                Err(Stopped::Tls(_)) => AttemptEnd::Failed("tls_failure", None),
            };
            if let Some(o) = &observer {
                o.attempt_ended(exchange.attempts(), end);
            }
            let next = match sent {
                Ok(a) => {
                    exchange.on_answer(a.status, a.retry_after.as_deref(), a.headers.as_ref(), a.body, fastrand::f64())
                }
                Err(Stopped::Transport(f)) => exchange.on_failure(f.kind, &f.detail, fastrand::f64()),
                Err(Stopped::TooLarge { status, head }) => return Err(exchange.too_large(status, &head)),
                Err(Stopped::Tls(detail)) => return Err(exchange.tls_error(&detail)),
            };
            match next {
                Next::Wait(wait) => {
                    if let Some(o) = &observer {
                        o.retrying(exchange.attempts(), exchange.request_id().as_str(), wait, end);
                    }
                    tokio::time::sleep(wait).await
                }
                Next::Done(result) => return result,
            }
        }
    }
}
