//! Finished calls reach JavaScript in batches. napi-rs's per-call Promise bridge creates and
//! tears down a threadsafe function for every call; here each client has one, and it is
//! signalled once per batch: every call that finishes while a wake-up is pending rides along
//! with it. The JS layer (`index.js`) keeps the calls' resolvers by id and settles them from
//! `takeCompleted()`. The threadsafe function holds the event loop open only while calls are
//! in flight, so an idle client never keeps a process from exiting.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use doku_checkout::Error;
use doku_checkout::operations::{CancelOrderResult, CreateCheckoutResult, OrderStatusResult};
use napi::bindgen_prelude::{Array, Function};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::{Env, Result, Status};

use crate::errors::to_js;
use crate::observe::Recorder;
use doku_checkout::observe::Recorded;

/// The outcome of one call, turned into JavaScript values on the JS thread.
pub(crate) enum Outcome {
    Cancel(std::result::Result<CancelOrderResult, Error>),
    Checkout(std::result::Result<CreateCheckoutResult, Error>),
    Status(std::result::Result<OrderStatusResult, Error>),
}

type Wake = ThreadsafeFunction<(), (), (), Status, false>;

/// A finished call: its id, its outcome, and its recorded events when it was traced.
type Finished = (u32, Outcome, Option<Vec<Recorded>>);

/// The finished calls of one client and the one wake-up that announces them.
struct Queue {
    finished: Mutex<Vec<Finished>>,
    wake_pending: AtomicBool,
    /// In a mutex only because napi-rs's ref/unref take `&mut`.
    wake: Mutex<Wake>,
}

impl Queue {
    /// Any thread: queue one outcome; wake the JS thread unless a wake-up is already pending.
    fn push(&self, id: u32, outcome: Outcome, events: Option<Vec<Recorded>>) {
        self.finished.lock().unwrap_or_else(PoisonError::into_inner).push((id, outcome, events));
        if !self.wake_pending.swap(true, Ordering::SeqCst) {
            // Closing (the environment is shutting down): nobody is waiting any more.
            let wake = self.wake.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = wake.call((), ThreadsafeFunctionCallMode::NonBlocking);
        }
    }
}

/// Per client: the queue, and how many calls are in flight (touched on the JS thread only).
pub(crate) struct Completions {
    queue: Arc<Queue>,
    in_flight: AtomicU32,
}

impl Completions {
    /// `on_complete` is called (with no arguments) whenever finished calls are waiting.
    pub(crate) fn new(env: &Env, on_complete: Function<'_, (), ()>) -> Result<Self> {
        let mut wake: Wake = on_complete.build_threadsafe_function::<()>().callee_handled::<false>().build()?;
        #[allow(deprecated)] // napi-rs deprecates manual ref/unref in favour of clones; we need both states
        wake.unref(env)?;
        Ok(Self {
            queue: Arc::new(Queue {
                finished: Mutex::new(Vec::new()),
                wake_pending: AtomicBool::new(false),
                wake: Mutex::new(wake),
            }),
            in_flight: AtomicU32::new(0),
        })
    }

    /// JS thread: runs `work` on the I/O thread; its outcome is queued under `id`, with the
    /// call's recorded events when `traced`.
    pub(crate) fn start<F>(&self, env: &Env, id: u32, traced: bool, work: F) -> Result<()>
    where
        F: std::future::Future<Output = Outcome> + Send + 'static,
    {
        let io = crate::io_thread::handle().map_err(|e| to_js(env, &e))?;
        // Held before counting: a failed hold leaves no call counted that never started.
        if self.in_flight.load(Ordering::SeqCst) == 0 {
            self.hold_loop(env, true)?;
        }
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let queue = Arc::clone(&self.queue);
        if traced {
            let recorder = Arc::new(Recorder::default());
            io.spawn(async move {
                let outcome = doku_checkout::observe::observed(recorder.clone(), work).await;
                queue.push(id, outcome, Some(recorder.take()));
            });
        } else {
            io.spawn(async move { queue.push(id, work.await, None) });
        }
        Ok(())
    }

    /// JS thread: every finished call as `[id, ok, value]` (value: the result, or the error),
    /// and `events` as a fourth element for a traced call.
    pub(crate) fn take<'env>(&self, env: &'env Env) -> Result<Array<'env>> {
        // Cleared before the queue is taken: a call finishing after the take wakes us again.
        self.queue.wake_pending.store(false, Ordering::SeqCst);
        let batch = std::mem::take(&mut *self.queue.finished.lock().unwrap_or_else(PoisonError::into_inner));
        let mut out = env.create_array(u32::try_from(batch.len()).unwrap_or(u32::MAX))?;
        for (index, (id, outcome, events)) in (0u32..).zip(batch) {
            let mut entry = env.create_array(if events.is_some() { 4 } else { 3 })?;
            entry.set(0, id)?;
            match outcome {
                Outcome::Cancel(r) => settle(env, &mut entry, r)?,
                Outcome::Checkout(r) => settle(env, &mut entry, r)?,
                Outcome::Status(r) => settle(env, &mut entry, r)?,
            }
            if let Some(events) = events {
                entry.set(3, crate::observe::to_js(env, events)?)?;
            }
            out.set(index, entry)?;
        }
        let settled = out.len();
        if settled > 0 && self.in_flight.fetch_sub(settled, Ordering::SeqCst) == settled {
            self.hold_loop(env, false)?;
        }
        Ok(out)
    }

    /// Keeps the event loop alive while calls are in flight, and only then.
    fn hold_loop(&self, env: &Env, hold: bool) -> Result<()> {
        let mut wake = self.queue.wake.lock().unwrap_or_else(PoisonError::into_inner);
        #[allow(deprecated)] // see `new`
        if hold { wake.refer(env) } else { wake.unref(env) }
    }
}

fn settle<T: napi::bindgen_prelude::ToNapiValue>(
    env: &Env,
    entry: &mut Array<'_>,
    result: std::result::Result<T, Error>,
) -> Result<()> {
    match result {
        Ok(value) => {
            entry.set(1, true)?;
            entry.set(2, value)
        }
        Err(e) => {
            entry.set(1, false)?;
            entry.set(2, to_js(env, &e))
        }
    }
}
