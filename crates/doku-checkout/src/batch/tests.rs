use super::*;
use crate::classify::{Classified, classify};

const FILE: &str = "note,invoice_number,original_request_id,extra\r\nCustomer asked,INV-1,req-1,x\nStale,INV-2,req-2,\n,INV-3,req-3,\nDup,INV-1,req-1,\nBad\u{7},INV-4,req-4,\n";

fn refusal(status: u16, body: &str) -> Result<CancelOrderResult, Error> {
    match classify(status, body.as_bytes()) {
        Classified::Failure(e) => Err(e),
        Classified::Success { .. } => panic!("not a refusal"),
    }
}

#[test]
fn read_orders_keeps_invalid_rows_with_their_reason() {
    let rows = read_orders(FILE).expect("valid file");
    assert_eq!(rows.len(), 5);
    assert_eq!((rows[0].line, rows[0].invoice_number.as_str()), (2, "INV-1"));
    assert!(rows[0].request.is_ok() && rows[1].request.is_ok());
    assert!(rows[2].request.as_ref().expect_err("empty note").contains("note"), "{:?}", rows[2].request);
    assert!(rows[3].request.as_ref().expect_err("dup").contains("listed more than once"));
    assert!(rows[4].request.as_ref().expect_err("control").contains("control character"));
}

#[test]
fn a_row_without_original_request_id_is_cancelled_by_invoice() {
    let rows =
        read_orders("invoice_number,original_request_id,note\nINV-1,,stale\nINV-2,req-2,stale\n,,stale\nINV-4,,\n")
            .expect("valid file");
    let by_invoice = RowCancel::ByInvoice { invoice_number: "INV-1".into(), note: "stale".into() };
    assert_eq!(rows[0].request.as_ref().ok(), Some(&by_invoice));
    assert!(matches!(rows[1].request, Ok(RowCancel::Direct(_))));
    assert!(rows[2].request.as_ref().expect_err("no invoice").contains("invoice_number"));
    assert!(rows[3].request.as_ref().expect_err("no note").contains("note"));
    // Under the row's Request-Id, as a retry: a cancelled order is cancelled again for the replay.
    let id = RequestId::new("row-rid").expect("id");
    let call = by_invoice.by_invoice_call(&id).expect("valid").expect("by invoice");
    assert_eq!(call.request_id(), &id);
    let status = OrderStatusResult {
        request_id: "s".into(),
        http_status: 200,
        invoice_number: Some("INV-1".into()),
        status: Some("CANCELLED".into()),
        transaction_status: Some("CANCELLED".into()),
        order_status: None,
        original_request_id: Some("create-1".into()),
        raw_body: String::new(),
    };
    call.decide(&status).expect("sent again under the same id");
    let nothing_to_quote =
        OrderStatusResult { transaction_status: Some("PENDING".into()), original_request_id: None, ..status };
    let refused = call.decide(&nothing_to_quote).map(|_| unreachable!());
    assert_eq!(Outcome::of(&refused).0, Outcome::Invalid);
}

#[test]
fn a_file_without_the_columns_is_refused_whole() {
    let e = read_orders("invoice,original_request_id,note\nINV-1,r,n\n").expect_err("no invoice_number");
    assert!(e.message().contains("no invoice_number column"), "{}", e.message());
    assert!(read_orders("").expect_err("empty").message().contains("empty"));
    assert_eq!(read_orders("\u{feff}invoice_number,original_request_id,note\n").expect("bom").len(), 0);
}

#[test]
fn outcomes_of_each_answer() {
    let ok = CancelOrderResult {
        request_id: "r".into(),
        http_status: 200,
        messages: vec!["SUCCESS".into()],
        order_status: None,
        replayed: false,
        raw_body: String::new(),
    };
    assert_eq!(Outcome::of(&Ok(ok.clone())).0, Outcome::Cancelled);
    let replay = CancelOrderResult { replayed: true, http_status: 409, ..ok };
    assert_eq!(
        Outcome::of(&Ok(replay)),
        (Outcome::Cancelled, "cancelled (DOKU replayed the earlier answer)".to_owned())
    );
    let cases = [
        (400, r#"{"message":["ORDER ALREADY CANCELLED"]}"#, Outcome::AlreadyCancelled),
        (400, r#"{"message":["ORDER ALREADY PAID"]}"#, Outcome::NotCancellable),
        (404, r#"{"message":["ORDER NOT FOUND"]}"#, Outcome::NotFound),
        (400, r#"{"message":["ORIGINAL REQUEST ID DOES NOT MATCH THE ORDER"]}"#, Outcome::Invalid),
        (503, r#"{"message":["BUSY"]}"#, Outcome::Error),
        (401, r#"{"message":["INVALID SIGNATURE"]}"#, Outcome::Error),
    ];
    for (status, body, expected) in cases {
        let (outcome, message) = Outcome::of(&refusal(status, body));
        assert_eq!(outcome, expected, "{status} {body}");
        assert!(message.contains(&doku_first_message(body)), "{message}");
    }
    assert!(Outcome::ALL.iter().all(|o| o.is_final() == (*o != Outcome::Error)));
}

fn doku_first_message(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).expect("json");
    v["message"][0].as_str().expect("message").to_owned()
}

fn assigned(invoice: &str, rid: &str) -> Entry {
    Entry::Assigned {
        invoice_number: invoice.into(),
        request_id: rid.into(),
        original_request_id: format!("req-{}", &invoice[4..]),
        note: note_of(invoice).into(),
    }
}

fn note_of(invoice: &str) -> &'static str {
    if invoice == "INV-1" { "Customer asked" } else { "Stale" }
}

fn outcome(invoice: &str, rid: &str, outcome: Outcome) -> Entry {
    Entry::Outcome {
        invoice_number: invoice.into(),
        request_id: rid.into(),
        outcome,
        http_status: Some(200),
        replayed: false,
        message: "m".into(),
    }
}

#[test]
fn a_rerun_skips_settled_rows_and_resends_the_rest_with_their_request_id() {
    let text = [
        assigned("INV-1", "rid-1"),
        outcome("INV-1", "rid-1", Outcome::Cancelled),
        assigned("INV-2", "rid-2"),
        outcome("INV-2", "rid-2", Outcome::Error),
    ]
    .iter()
    .map(Entry::to_line)
    .collect::<String>();
    let journal = Journal::parse(&text).expect("journal");
    let rows = read_orders(FILE).expect("file");
    let actions = plan(&rows[..2], &journal).expect("plan");
    assert!(
        matches!(&actions[0], Action::Settled(Entry::Outcome { outcome: Outcome::Cancelled, .. })),
        "{:?}",
        actions[0]
    );
    assert!(
        matches!(&actions[1], Action::Send { request_id, resend: true } if request_id.as_str() == "rid-2"),
        "{:?}",
        actions[1]
    );
    let fresh = plan(&rows[..2], &Journal::default()).expect("plan");
    assert!(fresh.iter().all(|a| matches!(a, Action::Send { resend: false, .. })));
    assert!(matches!(&plan(&rows, &journal).expect("plan")[2], Action::Invalid(_)));
}

#[test]
fn a_torn_last_line_is_ignored_but_damage_elsewhere_is_refused() {
    let whole = assigned("INV-1", "rid-1").to_line();
    let torn = format!("{whole}{}", &assigned("INV-2", "rid-2").to_line()[..30]);
    let journal = Journal::parse(&torn).expect("torn tail");
    assert_eq!(journal.rows.len(), 1);
    let damaged = format!("{}\n{whole}", "{\"event\":\"assig");
    assert!(Journal::parse(&damaged).expect_err("damaged").message().contains("line 1"));
    let twice = format!("{whole}{}", assigned("INV-1", "rid-other").to_line());
    assert!(Journal::parse(&twice).expect_err("two ids").message().contains("second Request-Id"));
    let orphan = outcome("INV-9", "x", Outcome::Cancelled).to_line();
    assert!(Journal::parse(&orphan).expect_err("orphan").message().contains("before assigning"));
}

#[test]
fn a_journal_for_another_body_is_refused() {
    let journal = Journal::parse(&assigned("INV-1", "rid-1").to_line()).expect("journal");
    let rows = read_orders("invoice_number,original_request_id,note\nINV-1,req-1,Another note\n").expect("file");
    let e = plan(&rows, &journal).expect_err("changed note");
    assert!(e.message().contains("use a new journal"), "{}", e.message());
}

#[test]
fn report_lines() {
    let settled = Entry::Outcome {
        invoice_number: "INV-1".into(),
        request_id: "rid-1".into(),
        outcome: Outcome::Cancelled,
        http_status: Some(409),
        replayed: true,
        message: "cancelled, \"replayed\"".into(),
    };
    assert_eq!(
        report_line("INV-1", Some(&settled), None),
        "INV-1,cancelled,rid-1,409,true,\"cancelled, \"\"replayed\"\"\""
    );
    assert_eq!(
        report_line("INV-3", None, Some("note must not be empty")),
        "INV-3,invalid,,,false,note must not be empty"
    );
    assert_eq!(
        report_line("INV-4", Some(&assigned("INV-4", "rid-4")), None),
        "INV-4,error,rid-4,,false,not sent yet: rerun"
    );
    assert_eq!(REPORT_HEADER.split(',').count(), report_line("x", None, None).split(',').count());
}

#[test]
fn a_last_line_cut_inside_a_character_is_a_torn_line_like_any_other() {
    let whole = assigned("INV-1", "rid-1").to_line();
    let next = Entry::Assigned {
        invoice_number: "INV-2".into(),
        request_id: "rid-2".into(),
        original_request_id: "r".into(),
        note: "Pesanan dibatalkan é".into(),
    }
    .to_line();
    let cut_at = next.find('é').expect("é") + 1; // inside the two bytes of 'é'
    let bytes = [whole.as_bytes(), &next.as_bytes()[..cut_at]].concat();
    let text = Journal::text_of(bytes).expect("a torn last line");
    assert_eq!(Journal::parse(&text).expect("journal").rows.len(), 1);
    // Not UTF-8 anywhere else, or a cut character followed by more lines: refused.
    let mut early = next.as_bytes()[..cut_at].to_vec();
    early.extend_from_slice(format!("\n{whole}").as_bytes());
    assert!(Journal::text_of(early).is_err());
    assert!(Journal::text_of([whole.as_bytes(), b"\xff\n"].concat()).is_err());
    assert!(Journal::text_of([whole.as_bytes(), b"{\"a\xff"].concat()).is_err(), "an invalid byte, not a cut one");
    assert_eq!(Journal::text_of(whole.clone().into_bytes()).expect("whole"), whole);
}

#[test]
fn a_resumed_run_keeps_a_readable_last_line_and_cuts_an_unreadable_one() {
    let whole = assigned("INV-1", "rid-1").to_line();
    let second = assigned("INV-2", "rid-2").to_line();
    let unterminated = format!("{whole}{}", second.trim_end());
    // Parsed (the run sends INV-2 under rid-2), so kept in the file, and given its newline.
    assert_eq!(Journal::parse(&unterminated).expect("journal").rows["INV-2"].request_id, "rid-2");
    assert_eq!(Journal::resume_point(&unterminated), (unterminated.len(), true));
    let torn = format!("{whole}{}", &second[..10]);
    assert_eq!(Journal::resume_point(&torn), (whole.len(), false));
    assert_eq!(Journal::resume_point(&whole), (whole.len(), false));
    assert_eq!(Journal::resume_point(""), (0, false));
    assert_eq!(Journal::resume_point(&second[..10]), (0, false));
}

fn status_answer(status: &str) -> Result<OrderStatusResult, Error> {
    Ok(OrderStatusResult {
        request_id: "rid-status".into(),
        http_status: 200,
        invoice_number: Some("INV-1".into()),
        status: Some(status.into()),
        transaction_status: Some(status.into()),
        order_status: None,
        original_request_id: Some("req-1".into()),
        raw_body: String::new(),
    })
}

#[test]
fn a_lost_or_unreadable_refusal_is_settled_by_the_status_api_never_guessed() {
    // The resend of a Request-Id whose refusal was lost: DOKU's 409 replays it, but not as an outcome.
    let replay = refusal(409, r#"{"message":["ORIGINAL REQUEST ID DOES NOT MATCH THE ORDER"]}"#);
    let unreadable = refusal(400, "<html><body>Bad Request</body></html>");
    for (answer, refused) in [(&replay, true), (&unreadable, false)] {
        let Settle::AskStatus(unsettled) = Outcome::settle(answer) else { panic!("settled by a guess: {answer:?}") };
        assert!(unsettled.why.contains("HTTP 4"), "{}", unsettled.why);
        assert_eq!(unsettled.refused, refused);
        let still_open = if refused { Outcome::Invalid } else { Outcome::Error };
        for (status, want) in [
            ("CANCELLED", Outcome::Cancelled),
            ("SUCCESS", Outcome::NotCancellable),
            ("EXPIRED", Outcome::NotCancellable),
            ("ORDER_EXPIRED", Outcome::NotCancellable),
            ("REFUNDED", Outcome::NotCancellable),
            ("FAILED", Outcome::Error),
            ("PENDING", still_open),
            ("ORDER_GENERATED", still_open),
            ("SOMETHING NEW", Outcome::Error),
        ] {
            let (outcome, message) = Outcome::from_status(&unsettled, &status_answer(status));
            assert_eq!(outcome, want, "{status}, refused: {refused}");
            assert!(
                message.starts_with(&unsettled.why) && message.contains("status API says"),
                "says where it learned it: {message}"
            );
        }
        let long = Outcome::from_status(&unsettled, &status_answer(&"X".repeat(10_000))).1;
        assert!(long.len() < unsettled.why.len() + 200, "DOKU's text is cut: {} bytes", long.len());
        let gone = Err(Error::new(ErrorCode::OrderNotFound, "no such order"));
        assert_eq!(Outcome::from_status(&unsettled, &gone).0, Outcome::NotFound);
        let down = Err(Error::new(ErrorCode::Timeout, "no answer"));
        assert_eq!(Outcome::from_status(&unsettled, &down).0, Outcome::Error, "no answer settles nothing: rerun");
    }
    // A readable refusal or a success still settles on its own.
    assert!(matches!(
        Outcome::settle(&refusal(400, r#"{"message":["INVALID PARAMETER: note"]}"#)),
        Settle::Final(Outcome::Invalid, _)
    ));
    assert!(matches!(Outcome::settle(&refusal(503, "")), Settle::Final(Outcome::Error, _)));
}
